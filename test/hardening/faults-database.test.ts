// Faults of what the service depends on (issue 8): the database unreachable at start (a clear message and a
// non-zero exit), PostgreSQL lost in the middle of a request (a 503 page and no partial write, proven by
// cutting the connection inside the password-change transaction through a TCP proxy), and Redis down in
// multi-process mode (sign-in refuses with a 503 rather than running without its limits).
// SMTP down then back and a failing SMS provider are tested in test/delivery/smtp.test.ts and
// test/delivery/sms-http.test.ts ("retries … delivers exactly once", "flags the message failed").
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyPassword } from '../../src/passwords/hashing.js';
import { openStore } from '../../src/store/db.js';
import { antiRobotAnswer, Browser, buildTestApp, type TestApp, textOf } from '../helpers/app.js';
import { assertSafeAnswer, type CliOutcome, rowCounts, runSesame } from '../helpers/hostile.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { closedPort } from '../helpers/network.js';
import { postgresSkipReason, postgresStore, sqliteStore, type TestStore } from '../helpers/stores.js';

/** No stack trace and no source path: the operator reads one sentence. */
function assertNoTrace(out: CliOutcome, what: string): void {
  const all = `${out.stdout}\n${out.stderr}`;
  assert.doesNotMatch(
    all,
    /\bat (?:async )?[\w$.<>]+ \(|node:internal|node_modules|\.ts:\d+/,
    `${what}: stack trace:\n${all}`,
  );
}

/**
 * A TCP proxy in front of PostgreSQL that the test can cut: at once, or when the client sends a statement
 * matching `cutOn` (the statement never reaches the server, the connection dies mid-transaction).
 */
class CuttableProxy {
  private server = net.createServer((client) => this.accept(client));
  private sockets = new Set<net.Socket>();
  private refusing = false;
  cutOn: RegExp | undefined;
  cuts = 0;
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  private accept(client: net.Socket): void {
    if (this.refusing) return void client.destroy();
    const upstream = net.connect(5432, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    const cut = () => {
      this.cuts++;
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (this.cutOn?.test(chunk.toString('latin1'))) return cut();
      upstream.write(chunk);
    });
    upstream.pipe(client);
    for (const s of [client, upstream]) {
      s.on('error', () => {});
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
  }
  /** The database is gone: every connection dies and new ones are refused. */
  loseDatabase(): void {
    this.refusing = true;
    for (const s of this.sockets) s.destroy();
  }
  restore(): void {
    this.refusing = false;
    this.cutOn = undefined;
  }
  async stop(): Promise<void> {
    this.loseDatabase();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe('the database unreachable when the service starts', () => {
  it('stops `sesame serve` with a clear message and a non-zero exit when PostgreSQL does not answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-nodb-'));
    try {
      const out = await runSesame(['serve'], {
        SESAME_DATA_DIR: dir,
        SESAME_DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/test`,
        HOST: '127.0.0.1',
        PORT: '0',
      });
      assert.equal(out.code, 1, out.stderr);
      assert.match(out.stderr, /^Base de données injoignable : .*Vérifiez SESAME_DATABASE_URL/m);
      assertNoTrace(out, 'serve');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops `sesame serve` with a clear message when the data directory cannot hold the SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-nodir-'));
    try {
      // A data directory below a plain file: the embedded database cannot be created there.
      writeFileSync(join(dir, 'file'), '');
      const out = await runSesame(['serve'], {
        SESAME_DATA_DIR: join(dir, 'file', 'data'),
        HOST: '127.0.0.1',
        PORT: '0',
      });
      assert.equal(out.code, 1, out.stderr);
      assert.match(out.stderr, /^Erreur : ENOTDIR.*file\/data/m);
      assertNoTrace(out, 'serve');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PostgreSQL lost during requests', () => {
  let skip: string | undefined;
  let direct: TestStore;
  let proxy: CuttableProxy;
  let t: TestApp;
  let memberId: number;
  // The test runner keeps the process alive on an uncaught exception; a real server would die. Record them.
  const crashes: unknown[] = [];
  const recordCrash = (err: unknown) => crashes.push(err);
  const assertNoCrash = () =>
    assert.deepEqual(
      crashes.map((e) => String((e as Error)?.message ?? e)),
      [],
      'an uncaught exception would have stopped the server (a pg client lost while checked out, with no error listener)',
    );
  before(async () => {
    process.on('uncaughtException', recordCrash);
    skip = await postgresSkipReason();
    if (skip) return;
    direct = await postgresStore();
    proxy = new CuttableProxy();
    await proxy.start();
    const url = new URL(direct.databaseUrl);
    url.port = String(proxy.port);
    const proxied = openStore({ databaseUrl: url.toString(), dataDir: direct.dataDir, poolSize: 3 });
    t = await buildTestApp({
      ...proxied,
      databaseUrl: url.toString(),
      dataDir: direct.dataDir,
      dispose: async () => {},
    });
    memberId = await seedMember(direct, { number: '100001', password: GOOD_PASSWORD });
  });
  after(async () => {
    process.off('uncaughtException', recordCrash);
    if (skip) return;
    await t.close();
    await t.services.store.close().catch(() => {});
    await proxy.stop();
    await direct.dispose();
  });

  it('answers 503 with a French page while the database is gone, and serves again once it is back', async (c) => {
    if (skip) return c.skip(skip);
    const b = new Browser(t.app);
    const page = await b.get('/connexion');
    proxy.loseDatabase();
    const before = await rowCounts(direct);
    const res = await b.post('/connexion', {
      member_number: '100001',
      password: GOOD_PASSWORD,
      ...antiRobotAnswer(page.body, t.answerIndex),
    });
    assert.equal(res.status, 503);
    assertSafeAnswer(res, 'sign-in without database', { unavailable: true });
    assert.match(textOf(res.body), /momentanément indisponible/);
    const get = await new Browser(t.app).get('/mot-de-passe-oublie/numero');
    assert.equal(get.status, 503);
    assert.deepEqual(await rowCounts(direct), before);
    proxy.restore();
    assert.equal((await new Browser(t.app).get('/connexion')).status, 200);
    await new Promise((r) => setTimeout(r, 50));
    assertNoCrash();
  });

  it('writes nothing of a password change whose connection dies inside the transaction', async (c) => {
    if (skip) return c.skip(skip);
    const b = new Browser(t.app);
    const page = await b.get('/connexion');
    assert.equal(
      (
        await b.post('/connexion', {
          member_number: '100001',
          password: GOOD_PASSWORD,
          ...antiRobotAnswer(page.body, t.answerIndex),
        })
      ).status,
      303,
    );
    await b.get('/espace/mot-de-passe');
    const before = await rowCounts(direct);
    const audits = async () =>
      Number(
        (
          await direct.db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('event', '=', 'password-change')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const auditBefore = await audits();
    // The audit entry is the last statement of the transaction: the credential, the sessions, the letters
    // and the notifications were already sent to the server when the connection dies.
    proxy.cutOn = /insert into "audit_events"/;
    const res = await b.post('/espace/mot-de-passe', {
      current_password: GOOD_PASSWORD,
      new_password: 'Nouvelle-Lune-2031!',
      confirm_password: 'Nouvelle-Lune-2031!',
    });
    proxy.restore();
    assert.equal(proxy.cuts, 1, 'the connection was cut inside the transaction');
    assert.equal(res.status, 503);
    assert.match(textOf(res.body), /momentanément indisponible/);
    assert.deepEqual(await rowCounts(direct), before, 'no row added or removed');
    assert.equal(await audits(), auditBefore);
    const credential = await direct.db
      .selectFrom('credentials')
      .select('password_hash')
      .where('member_id', '=', memberId)
      .executeTakeFirstOrThrow();
    assert.ok(await verifyPassword(credential.password_hash, GOOD_PASSWORD), 'the old password still works');
    assert.equal(
      (await b.get('/espace')).status,
      200,
      'the session survived: nothing of the change was kept',
    );
    await new Promise((r) => setTimeout(r, 50));
    assertNoCrash();
  });
});

describe('Redis down in multi-process mode', () => {
  let store: TestStore;
  let t: TestApp;
  before(async () => {
    store = await sqliteStore();
    await seedMember(store, { number: '100001', password: GOOD_PASSWORD });
    t = await buildTestApp(store, { SESAME_REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
  });
  after(async () => {
    await t.close();
    await store.dispose();
  });

  it('refuses sign-in and recovery with a 503 rather than run without the shared limits', async () => {
    // The pages' picture challenges live in Redis too: the 503 comes with the page, before any form is
    // posted (forms posted from pages loaded before an outage: test/scale/nginx.test.ts).
    const b = new Browser(t.app);
    const before = await rowCounts(store);
    const page = await b.get('/connexion');
    assert.equal(page.status, 503);
    assertSafeAnswer(page, 'sign-in page without Redis', { unavailable: true });
    assert.match(textOf(page.body), /momentanément indisponible/);
    assert.equal(b.cookies.get('__Host-sesame'), undefined, 'no session without the limits');
    const numberPage = await b.get('/mot-de-passe-oublie/numero');
    assert.equal(numberPage.status, 503);
    assert.deepEqual(await rowCounts(store), before, 'no session, no flow');
  });
});
