// `kill -9` in the middle of a write (issue 8): a real child process is killed with SIGKILL while it imports
// a large member file, while it changes a password again and again, and while it prints a letter batch.
// After the « restart » (a fresh connection to the same database) the data is whole: each write is one
// transaction, so it is there entirely or not at all.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { writeMembersCsv } from '../../bench/generate-members.js';
import { requestLetter } from '../../src/letters/requests.js';
import { verifyPassword } from '../../src/passwords/hashing.js';
import { migrate, openStore, type Store } from '../../src/store/db.js';
import { cliEnv, runSesame, spawnSesame } from '../helpers/hostile.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS } from '../helpers/stores.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IMPORT_ROWS = 100_000;
const LETTERS = 60;

async function count(
  store: Store,
  table: 'members' | 'letter_batches' | 'audit_events' | 'outbox',
): Promise<number> {
  const r = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Resolves when `ready()` holds (polled), or rejects when the child ends first: then nothing was interrupted. */
async function waitWhileRunning(child: ChildProcess, ready: () => boolean, what: string): Promise<void> {
  let ended = false;
  child.once('exit', () => {
    ended = true;
  });
  const deadline = Date.now() + 60_000;
  while (!ready()) {
    if (ended) throw new Error(`${what}: the child finished before it could be killed`);
    if (Date.now() > deadline) throw new Error(`${what}: never reached the point to kill`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function killHard(child: ChildProcess): Promise<void> {
  const closed = once(child, 'close');
  child.kill('SIGKILL');
  const [, signal] = (await closed) as [number | null, NodeJS.Signals | null];
  assert.equal(signal, 'SIGKILL', 'the child was killed, not finished');
}

/** Opens the same database afresh, as a restarted process would, and closes it after `check`. */
async function afterRestart<T>(
  databaseUrl: string,
  dataDir: string,
  check: (store: Store) => Promise<T>,
): Promise<T> {
  const store = openStore({ databaseUrl, dataDir });
  try {
    return await check(store);
  } finally {
    await store.close();
  }
}

describe('kill -9 during an import and a letter batch, on SQLite', () => {
  let dir: string;
  let dataDir: string;
  const env = () => ({ SESAME_DATA_DIR: dataDir });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-kill-'));
    dataDir = join(dir, 'data');
    const store = openStore({ databaseUrl: '', dataDir });
    await migrate(store);
    for (const n of ['100001', '100002', '100003']) await seedMember(store, { number: n });
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('applies nothing of an import killed half-way, and all of it on the next run', async () => {
    const file = join(dir, 'members.csv');
    const out = createWriteStream(file);
    await writeMembersCsv(out, IMPORT_ROWS, 7);
    out.end();
    await once(out, 'finish');
    const wal = join(dataDir, 'sesame.db-wal');
    const walAtStart = existsSync(wal) ? statSync(wal).size : 0;
    const child = spawnSesame(['members', 'import', file], env());
    // The import's transaction spills pages into the WAL as it goes: a growing WAL means half-way through.
    await waitWhileRunning(
      child,
      () => existsSync(wal) && statSync(wal).size > walAtStart + 4 * 1024 * 1024,
      'import',
    );
    await killHard(child);
    await afterRestart('', dataDir, async (store) => {
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db);
      assert.equal(check.rows[0]?.integrity_check, 'ok');
      assert.equal(await count(store, 'members'), 3, 'nothing of the killed import is there');
    });
    const again = await runSesame(['members', 'import', file], env());
    assert.equal(again.code, 0, again.stderr);
    await afterRestart('', dataDir, async (store) =>
      assert.equal(await count(store, 'members'), 3 + IMPORT_ROWS),
    );
  });

  it('leaves the letters pending when a batch print is killed, and the next print takes them all', async () => {
    await afterRestart('', dataDir, async (store) => {
      for (let i = 0; i < LETTERS; i++) {
        const id = await seedMember(store, { number: String(600000 + i), email: null, mobile: null });
        await store.db.transaction().execute((trx) =>
          requestLetter(trx, 'sqlite', {
            memberId: id,
            requestedBy: 'member',
            now: Date.now(),
            intervalDays: 30,
          }),
        );
      }
    });
    const pdf = join(dir, 'lot.pdf');
    const child = spawnSesame(['letters', 'print', '--out', pdf], env());
    // Pages are streamed as they are drawn; the batch is recorded only after the last one.
    await waitWhileRunning(child, () => existsSync(pdf) && statSync(pdf).size > 64 * 1024, 'letters print');
    await killHard(child);
    await afterRestart('', dataDir, async (store) => {
      assert.equal(await count(store, 'letter_batches'), 0, 'no batch recorded');
      const letters = await store.db
        .selectFrom('letters')
        .select(['status', 'provisional_hash', 'batch_id'])
        .execute();
      assert.equal(letters.length, LETTERS);
      for (const l of letters)
        assert.deepEqual(l, { status: 'requested', provisional_hash: null, batch_id: null });
    });
    const again = await runSesame(['letters', 'print', '--out', join(dir, 'lot2.pdf')], env());
    assert.equal(again.code, 0, again.stderr);
    await afterRestart('', dataDir, async (store) => {
      const batches = await store.db.selectFrom('letter_batches').selectAll().execute();
      assert.equal(batches.length, 1);
      assert.equal(batches[0]!.letter_count, LETTERS);
      const printed = await store.db
        .selectFrom('letters')
        .select(['status', 'batch_id', 'provisional_hash'])
        .where('status', '=', 'printed')
        .execute();
      assert.equal(printed.length, LETTERS);
      assert.ok(printed.every((l) => l.batch_id === batches[0]!.id && l.provisional_hash));
    });
  });
});

// The child changes the member's password again and again: change i happens at time i with password
// `Tournesol-i-Marine-Zz!`, and waits 20 ms inside its transaction so that the kill often lands there.
const PASSWORD_LOOP = `
(async () => {
  const { openStore } = await import('./src/store/db.ts');
  const { setNewPassword } = await import('./src/sign-in/password-change.ts');
  const { OWASP_HASH_PARAMS } = await import('./src/passwords/hashing.ts');
  const store = openStore({ databaseUrl: process.env.KILL_DB_URL, dataDir: process.env.KILL_DATA_DIR });
  for (let i = 1; ; i++) {
    const password = 'Tournesol-' + i + '-Marine-Zz!';
    await setNewPassword(
      { store, hashParams: OWASP_HASH_PARAMS, policy: 'house' },
      { memberId: Number(process.env.KILL_MEMBER_ID), newPassword: password, confirmation: password,
        ip: '127.0.0.1', userAgent: 'kill-test', locale: 'fr', reason: 'recovery' },
      i,
      () => new Promise((r) => setTimeout(r, 20)),
    );
    process.stdout.write(i + '\\n');
  }
})();
`;

for (const d of DIALECTS) {
  describe(`kill -9 during password changes on ${d.name}`, () => {
    it('keeps the credential, its audit entry and its notifications in step', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      try {
        const memberId = await seedMember(store, { number: '100001', password: GOOD_PASSWORD });
        const child = spawn(process.execPath, ['--import', 'tsx', '-e', PASSWORD_LOOP], {
          cwd: ROOT,
          env: cliEnv({
            KILL_DB_URL: store.databaseUrl,
            KILL_DATA_DIR: store.dataDir,
            KILL_MEMBER_ID: String(memberId),
          }),
        });
        let printed = 0;
        child.stdout!.on('data', (b: Buffer) => {
          printed = Math.max(printed, ...b.toString().trim().split('\n').map(Number));
        });
        let errors = '';
        child.stderr!.on('data', (b: Buffer) => {
          errors += b.toString();
        });
        await waitWhileRunning(child, () => printed >= 4, `password loop ${errors}`);
        // Somewhere in the next change: before, inside or after its transaction.
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 60)));
        await killHard(child);
        await afterRestart(store.databaseUrl, store.dataDir, async (s) => {
          const audits = await s.db
            .selectFrom('audit_events')
            .select(['at'])
            .where('event', '=', 'password-change')
            .where('member_id', '=', memberId)
            .orderBy('at')
            .execute();
          const changes = audits.length;
          assert.ok(
            changes >= printed && changes <= printed + 1,
            `${changes} changes audited, ${printed} reported`,
          );
          assert.deepEqual(
            audits.map((a) => Number(a.at)),
            Array.from({ length: changes }, (_, i) => i + 1),
          );
          const notices = await s.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('template', '=', 'password-changed')
            .executeTakeFirstOrThrow();
          assert.equal(Number(notices.n), 2 * changes, 'one e-mail and one SMS per audited change');
          const credentials = await s.db
            .selectFrom('credentials')
            .selectAll()
            .where('member_id', '=', memberId)
            .execute();
          assert.equal(credentials.length, 1);
          assert.equal(Number(credentials[0]!.changed_at), changes, 'the credential is the last audited one');
          assert.ok(await verifyPassword(credentials[0]!.password_hash, `Tournesol-${changes}-Marine-Zz!`));
        });
      } finally {
        await store.dispose();
      }
    });
  });
}
