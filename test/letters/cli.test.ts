// `sesame letters …` as an operator runs it: a child process on an embedded SQLite store, French
// messages, a non-zero exit and no stack trace on failure (DESIGN.md §6).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { requestLetter } from '../../src/letters/requests.js';
import { seedMember } from '../helpers/members.js';
import { sqliteStore, type TestStore } from '../helpers/stores.js';
import { passwordsOn, pdfPages, popplerSkip } from './fixtures.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `sesame letters …` against `dataDir`, with no SESAME_* variable of the caller leaking in. */
async function sesame(dataDir: string, ...args: string[]): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SESAME_')) env[k] = v;
  Object.assign(env, {
    SESAME_DATA_DIR: dataDir,
    SESAME_SECRET: 'cli-test-secret-0123456789abcdefghijkl',
    SESAME_LOG_LEVEL: 'silent',
  });
  const script = `import('./src/cli/index.ts').then((m) => m.main(['node', 'sesame', ...${JSON.stringify(args)}]))`;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: ROOT,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('sesame letters', { skip: popplerSkip }, () => {
  let store: TestStore;
  before(async () => {
    store = await sqliteStore();
    const memberId = await seedMember(store, { number: '50000001', email: null, mobile: null });
    await store.db
      .transaction()
      .execute((trx) =>
        requestLetter(trx, 'sqlite', { memberId, requestedBy: 'member', now: Date.now(), intervalDays: 30 }),
      );
  });
  after(() => store.dispose());

  it('lists the pending letter', async () => {
    const out = await sesame(store.dataDir, 'letters', 'status');
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^1 courrier\(s\) en attente, dont 0 en retard\.$/m);
    assert.match(out.stdout, /N° 50000001 {2}requested/);
  });

  it('prints it to the --out file, readable by the owner only', async () => {
    const file = join(store.dataDir, 'courriers.pdf');
    const out = await sesame(store.dataDir, 'letters', 'print', '--out', file);
    assert.equal(out.code, 0, out.stderr);
    assert.match(
      out.stdout,
      /^Lot 1 : 1 courrier\(s\) dans .*courriers\.pdf\. Après envoi : sesame letters posted 1$/m,
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const [page, ...more] = pdfPages(file);
    assert.equal(more.length, 0);
    assert.ok(page?.includes('50000001'));
    assert.equal(passwordsOn(page ?? '').length, 1);
    const letter = await store.db
      .selectFrom('letters')
      .select(['status', 'batch_id'])
      .executeTakeFirstOrThrow();
    assert.deepEqual(letter, { status: 'printed', batch_id: 1 });
  });

  it('refuses to overwrite an existing file without --force', async () => {
    const file = join(store.dataDir, 'existing.pdf');
    writeFileSync(file, 'the letters of yesterday');
    const out = await sesame(store.dataDir, 'letters', 'print', '--out', file);
    assert.notEqual(out.code, 0);
    assert.match(
      out.stderr,
      /^Erreur : le fichier .*existing\.pdf existe déjà \(utilisez --force pour l’écraser\)$/m,
    );
    assert.equal(readFileSync(file, 'utf8'), 'the letters of yesterday');
  });

  it('answers an unknown batch with a French error and no stack trace', async () => {
    const out = await sesame(store.dataDir, 'letters', 'posted', '999');
    assert.equal(out.code, 1);
    assert.equal(out.stderr.trim(), 'Erreur : lot 999 introuvable');
    assert.doesNotMatch(out.stderr + out.stdout, /\bat .*:\d+:\d+/);
  });

  it('marks the batch posted, after which nothing is pending', async () => {
    const posted = await sesame(store.dataDir, 'letters', 'posted', '1');
    assert.equal(posted.code, 0, posted.stderr);
    assert.match(posted.stdout, /^Lot 1 : 1 courrier\(s\) marqué\(s\) comme posté\(s\)\.$/m);
    const status = await sesame(store.dataDir, 'letters', 'status');
    assert.equal(status.stdout.trim(), 'Aucun courrier en attente.');
    const again = await sesame(store.dataDir, 'letters', 'posted', '1');
    assert.equal(again.code, 1);
    assert.equal(again.stderr.trim(), 'Erreur : le lot 1 est déjà posté');
  });

  it('prints nothing when no letter is pending', async () => {
    const file = join(store.dataDir, 'empty.pdf');
    const out = await sesame(store.dataDir, 'letters', 'print', '--out', file);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout.trim(), 'Aucun courrier en attente.');
    assert.ok(!existsSync(file) || statSync(file).size === 0);
  });
});
