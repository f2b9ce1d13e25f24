// Scale-out (issue 7): two Sésame processes on one PostgreSQL database and one Redis, behind Debian's nginx
// with round-robin and no stickiness. Each journey must behave exactly as on one process, while its
// requests land on both processes (proved by nginx's own access log, which records $upstream_addr).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { antiRobotAnswer, csrfOf, TEST_SECRET, textOf } from '../helpers/app.js';
import { outboxFiles, waitForCode } from '../helpers/browser.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { REDIS_PORT, redisSkipReason } from '../helpers/network.js';
import { KNOWN_ANSWER_INDEX } from '../helpers/serve-known.js';
import { postgresSkipReason, postgresStore, type TestStore } from '../helpers/stores.js';
import {
  type CuttableRelay,
  freePort,
  type KnownServer,
  type Nginx,
  nginxSkipReason,
  startKnownServer,
  startNginx,
  startRelay,
} from './cluster.js';
import { HttpBrowser, pictureUrlsOf } from './http-browser.js';

const IP_LIMIT = 8;
const SIGN_IN = '7100001';
const RECOVERY = '7100002';
const LOCKOUT = '7100003';
const NEW_PASSWORD = 'Tournesol-Jaune-2026!';

/** A Redis database number nobody uses right now (empty), so that this run's keys are its own. */
async function pickEmptyDatabase(redis: Redis): Promise<number> {
  const candidates = Array.from({ length: 15 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
  for (const db of candidates) {
    await redis.select(db);
    if ((await redis.dbsize()) === 0) return db;
  }
  throw new Error('no empty Redis database among 1–15');
}

/**
 * Upstream (process address) of each access-log line of this client that matches `pattern`, once there are
 * `count` of them: nginx writes a line just after the response, so the last one may lag behind the client.
 */
async function upstreamsOf(nginx: Nginx, client: string, pattern: RegExp, count: number): Promise<string[]> {
  const read = () =>
    nginx
      .accessLog()
      .map((line) => line.split(' '))
      .filter(([addr, method, path]) => addr === client && pattern.test(`${method} ${path}`))
      .map((fields) => fields[4] as string);
  return waitFor(async () => {
    const lines = read();
    return lines.length >= count ? lines : undefined;
  }).catch(() => read());
}

/**
 * A browser fetches a page's assets only until they are cached: fetching the stylesheet on every other
 * attempt moves this client's next POST to the other process under nginx's strict round-robin.
 */
async function alternateProcess(b: HttpBrowser, attempt: number): Promise<void> {
  if (attempt % 2 === 1) assert.equal((await b.get('/assets/css/site.css')).status, 200);
}

describe('two Sésame processes behind nginx (PostgreSQL + Redis)', () => {
  let skip: string | undefined;
  let store: TestStore;
  let redis: Redis;
  let relay: CuttableRelay;
  let servers: KnownServer[] = [];
  let nginx: Nginx;
  let work: string;
  let recoveryMemberId: number;
  const browsers: HttpBrowser[] = [];

  const browser = (client: string): HttpBrowser => {
    const b = new HttpBrowser(nginx.url, { localAddress: client });
    browsers.push(b);
    return b;
  };

  before(async () => {
    skip = nginxSkipReason() ?? (await postgresSkipReason()) ?? (await redisSkipReason('load-balancer test'));
    if (skip) return;
    store = await postgresStore();
    await seedMember(store, { number: SIGN_IN, password: GOOD_PASSWORD });
    recoveryMemberId = await seedMember(store, {
      number: RECOVERY,
      password: GOOD_PASSWORD,
      email: 'adherent.recup@example.fr',
    });
    await seedMember(store, { number: LOCKOUT, password: GOOD_PASSWORD });
    redis = new Redis({ port: REDIS_PORT, host: '127.0.0.1' });
    const db = await pickEmptyDatabase(redis);
    relay = await startRelay(REDIS_PORT);
    work = mkdtempSync(join(tmpdir(), 'sesame-nginx-'));
    // The load balancer's port must be known before the processes start: it is their public URL (Origin).
    const nginxPort = await freePort();
    const env = {
      SESAME_ENV: 'test',
      SESAME_DATABASE_URL: store.databaseUrl,
      SESAME_REDIS_URL: `redis://127.0.0.1:${relay.port}/${db}`,
      SESAME_TRUST_PROXY: '127.0.0.1',
      SESAME_PUBLIC_URL: `http://127.0.0.1:${nginxPort}`,
      // Every process must share the key (keyed hashes of codes, challenges, bindings) and the outbox folder.
      SESAME_SECRET: TEST_SECRET,
      SESAME_DATA_DIR: join(work, 'data'),
      SESAME_SIGN_INS_PER_IP_PER_MINUTE: String(IP_LIMIT),
      SESAME_OUTBOX_POLL_MS: '100',
      SESAME_LOG_LEVEL: 'warn',
      UV_THREADPOOL_SIZE: '2',
    };
    servers = await Promise.all([startKnownServer(env), startKnownServer(env)]);
    nginx = await startNginx(
      join(work, 'nginx'),
      servers.map((s) => `127.0.0.1:${s.port}`),
      nginxPort,
    );
  });

  after(async () => {
    if (skip) return;
    for (const b of browsers) b.close();
    await nginx?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await relay?.cut();
    if (redis) {
      // Only this run's keys: the database was empty when picked.
      const keys = await redis.keys('sesame:*');
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    await store?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('signs a member in, with pictures, form and session served by both processes', async (t) => {
    if (skip) return t.skip(skip);
    const client = '127.0.0.11';
    const b = browser(client);
    const page = await b.get('/connexion');
    assert.equal(page.status, 200);
    const pictures = pictureUrlsOf(page.body);
    assert.equal(pictures.length, 6);
    for (const url of pictures) {
      const png = await b.get(url);
      assert.equal(png.status, 200, `picture ${url}`);
      assert.equal(png.headers['content-type'], 'image/png');
      assert.deepEqual([...png.bytes.subarray(1, 4)], [...Buffer.from('PNG')]);
    }
    const signIn = await b.post('/connexion', {
      _csrf: csrfOf(page.body) ?? '',
      member_number: SIGN_IN,
      password: GOOD_PASSWORD,
      ...antiRobotAnswer(page.body, KNOWN_ANSWER_INDEX),
    });
    assert.equal(signIn.status, 303, textOf(signIn.body));
    assert.equal(signIn.location, '/espace?bienvenue=1');
    for (let i = 0; i < 3; i++) {
      const space = await b.get('/espace');
      assert.equal(space.status, 200);
      assert.match(textOf(space.body), /Bonjour Hélène Lefèvre/);
    }
    // A picture issued by one process was served by the other: the pool is per process, the token is not.
    assert.equal(new Set(await upstreamsOf(nginx, client, /^GET \/anti-robot\/pictures\//, 6)).size, 2);
    assert.equal(new Set(await upstreamsOf(nginx, client, /^GET \/espace$/, 3)).size, 2);
  });

  it('completes a full recovery journey, each message delivered once by one of the two workers', async (t) => {
    if (skip) return t.skip(skip);
    const client = '127.0.0.12';
    const b = browser(client);
    const numberPage = await b.get('/mot-de-passe-oublie/numero');
    const start = await b.post('/mot-de-passe-oublie/numero', {
      member_number: RECOVERY,
      ...antiRobotAnswer(numberPage.body, KNOWN_ANSWER_INDEX),
    });
    assert.equal(start.status, 303, textOf(start.body));
    const flow = start.location as string;
    assert.match(flow, /^\/mot-de-passe-oublie\/[A-Za-z0-9_-]+$/);
    assert.match(textOf((await b.follow()).body), /Recevoir mon code par e-mail/);

    const dataDir = join(work, 'data');
    const beforeSend = outboxFiles(dataDir);
    assert.equal((await b.post(`${flow}/envoyer`, { channel: 'email' })).status, 303);
    assert.match(textOf((await b.follow()).body), /Merci de saisir votre code d’activation/);
    const { code } = await waitForCode(dataDir, beforeSend);
    assert.equal((await b.post(`${flow}/code`, { code })).status, 303);
    assert.match(textOf((await b.follow()).body), /Merci de saisir votre nouveau mot de passe/);
    const done = await b.post(`${flow}/mot-de-passe`, {
      new_password: NEW_PASSWORD,
      confirm_password: NEW_PASSWORD,
    });
    assert.equal(done.status, 303, textOf(done.body));
    assert.match(textOf((await b.follow()).body), /Félicitations !/);

    // The new password works through the load balancer, whichever process checks it.
    const page = await b.get('/connexion');
    const signIn = await b.post('/connexion', {
      member_number: RECOVERY,
      password: NEW_PASSWORD,
      ...antiRobotAnswer(page.body, KNOWN_ANSWER_INDEX),
    });
    assert.equal(signIn.status, 303, textOf(signIn.body));
    assert.equal(new Set(await upstreamsOf(nginx, client, /^(GET|POST) \/mot-de-passe-oublie\//, 9)).size, 2);

    // Both workers poll the same outbox: every message (the code, then the "password changed" notice) is
    // written exactly once (FOR UPDATE SKIP LOCKED claims).
    const rows = await waitFor(async () => {
      const all = await store.db
        .selectFrom('outbox')
        .select(['status'])
        .where('member_id', '=', recoveryMemberId)
        .execute();
      return all.length >= 2 && all.every((r) => r.status === 'sent') ? all : undefined;
    });
    const files = [...outboxFiles(dataDir)].filter((f) => !beforeSend.has(f));
    assert.equal(files.length, rows.length);
  });

  it('locks the account after five failures spread over both processes', async (t) => {
    if (skip) return t.skip(skip);
    const client = '127.0.0.13';
    const b = browser(client);
    for (let i = 0; i < 5; i++) {
      await alternateProcess(b, i);
      const page = await b.get('/connexion');
      const failed = await b.post('/connexion', {
        member_number: LOCKOUT,
        password: `Mauvais-Mot-de-passe-${i}!`,
        ...antiRobotAnswer(page.body, KNOWN_ANSWER_INDEX),
      });
      assert.equal(failed.status, 401);
      assert.match(textOf(failed.body), /Identifiant ou mot de passe incorrect/);
    }
    // The right password is now refused for a while, whichever process answers (CNIL 2022-100 case 2).
    for (let i = 0; i < 2; i++) {
      await alternateProcess(b, i);
      const page = await b.get('/connexion');
      const blocked = await b.post('/connexion', {
        member_number: LOCKOUT,
        password: GOOD_PASSWORD,
        ...antiRobotAnswer(page.body, KNOWN_ANSWER_INDEX),
      });
      assert.equal(blocked.status, 429);
      assert.match(textOf(blocked.body), /Trop de tentatives de connexion\. Merci de patienter 1 minute/);
    }
    const posts = await upstreamsOf(nginx, client, /^POST \/connexion$/, 7);
    assert.equal(posts.length, 7);
    assert.equal(new Set(posts).size, 2);
    const row = await store.db
      .selectFrom('throttles')
      .select('consecutive')
      .where('key', '=', `account:${LOCKOUT}`)
      .executeTakeFirstOrThrow();
    assert.equal(row.consecutive, 5);
  });

  it('counts the per-IP limit once for both processes (shared in Redis)', async (t) => {
    if (skip) return t.skip(skip);
    const client = '127.0.0.14';
    const b = browser(client);
    const page = await b.get('/connexion');
    const form = { _csrf: csrfOf(page.body) ?? '', member_number: '7199999', password: 'x' };
    for (let i = 0; i < IP_LIMIT; i++) {
      // No picture chosen: refused by the anti-robot check, yet counted by the per-IP limit before it.
      assert.equal((await b.post('/connexion', form)).status, 400);
    }
    const refused = await b.post('/connexion', form);
    assert.equal(refused.status, 429);
    assert.match(textOf(refused.body), /Trop de demandes depuis votre connexion/);
    const posts = await upstreamsOf(nginx, client, /^POST \/connexion$/, IP_LIMIT + 1);
    assert.equal(posts.length, IP_LIMIT + 1);
    assert.equal(new Set(posts).size, 2);
  });

  it('trusts X-Forwarded-For from nginx only, never from a client that is not the proxy', async (t) => {
    if (skip) return t.skip(skip);
    const signInUnknown = async (b: HttpBrowser, number: string, headers: Record<string, string>) => {
      const page = await b.get('/connexion', headers);
      const res = await b.post(
        '/connexion',
        { member_number: number, password: 'x', ...antiRobotAnswer(page.body, KNOWN_ANSWER_INDEX) },
        headers,
      );
      assert.equal(res.status, 401);
    };
    const spoof = { 'x-forwarded-for': '198.51.100.7' };
    // Through nginx: nginx overwrites the header with the address it sees.
    await signInUnknown(browser('127.0.0.15'), '7199001', spoof);
    // Straight to a process from 127.0.0.16, not a trusted proxy: the header is ignored.
    const direct = new HttpBrowser(servers[0]!.url, { localAddress: '127.0.0.16' });
    browsers.push(direct);
    await signInUnknown(direct, '7199002', spoof);
    const ipOf = async (number: string) =>
      (
        await store.db
          .selectFrom('audit_events')
          .select('ip')
          .where('member_number', '=', number)
          .where('event', '=', 'sign-in')
          .executeTakeFirstOrThrow()
      ).ip;
    assert.equal(await ipOf('7199001'), '127.0.0.15');
    assert.equal(await ipOf('7199002'), '127.0.0.16');
  });

  // Last: it takes Redis away from both processes.
  it('refuses sign-in and recovery with the French 503 page on both processes when Redis is down', async (t) => {
    if (skip) return t.skip(skip);
    const client = '127.0.0.17';
    const b = browser(client);
    const sessionsBefore = await countSessions(store);
    // Pages opened just before the outage: their pictures are in Redis, their forms are posted after it.
    const pages = [await b.get('/connexion'), await b.get('/connexion')];
    const numberPage = await b.get('/mot-de-passe-oublie/numero');
    for (const page of [...pages, numberPage]) assert.equal(page.status, 200);
    await relay.cut();
    // Two POSTs in a row: strict round-robin sends them to the two processes.
    for (const page of pages) {
      const res = await b.post('/connexion', {
        _csrf: csrfOf(page.body) ?? '',
        member_number: SIGN_IN,
        password: GOOD_PASSWORD,
        ...antiRobotAnswer(page.body, KNOWN_ANSWER_INDEX),
      });
      assert.equal(res.status, 503);
      assert.match(res.body, /<html lang="fr"/);
      assert.match(textOf(res.body), /Le service est momentanément indisponible/);
      assert.equal(b.cookies.has('__Host-sesame'), false);
    }
    const start = await b.post('/mot-de-passe-oublie/numero', {
      _csrf: csrfOf(numberPage.body) ?? '',
      member_number: RECOVERY,
      ...antiRobotAnswer(numberPage.body, KNOWN_ANSWER_INDEX),
    });
    assert.equal(start.status, 503);
    assert.match(textOf(start.body), /Le service est momentanément indisponible/);
    // A page opened during the outage cannot store its pictures: the same 503 page, on either process.
    for (let i = 0; i < 2; i++) {
      const page = await b.get('/connexion');
      assert.equal(page.status, 503);
      assert.match(textOf(page.body), /Le service est momentanément indisponible/);
    }
    assert.equal(new Set(await upstreamsOf(nginx, client, /^POST \/connexion$/, 2)).size, 2);
    const pagesDuringOutage = (await upstreamsOf(nginx, client, /^GET \/connexion$/, 4)).slice(-2);
    assert.equal(new Set(pagesDuringOutage).size, 2);
    // Refused before the password was even looked at: no session, nothing let through uncounted.
    assert.equal(await countSessions(store), sessionsBefore);
  });
});

async function countSessions(store: TestStore): Promise<number> {
  const row = await store.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
