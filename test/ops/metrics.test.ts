import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { timeArgon2Verify } from '../../src/web/metrics.js';
import { seedStaff, signInStaff } from '../admin/helpers.js';
import { antiRobotAnswer, Browser, buildTestApp, type TestApp } from '../helpers/app.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

/** The value of one sample line of the Prometheus text format, or undefined. */
function sample(body: string, name: string, labels: string): number | undefined {
  for (const line of body.split('\n')) {
    if (line.startsWith(`${name}{${labels}}`) || (labels === '' && line.startsWith(`${name} `)))
      return Number(line.split(' ').at(-1));
  }
  return undefined;
}

async function scrape(t: TestApp): Promise<string> {
  const res = await new Browser(t.app, '127.0.0.1').get('/metrics');
  assert.equal(res.status, 200);
  return res.body;
}

for (const d of DIALECTS) {
  describe(`metrics on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      t = await buildTestApp(store);
      await seedMember(store, { number: '100001', password: GOOD_PASSWORD });
      await seedMember(store, { number: '100002', email: 'x@example.fr', mobile: null });
      await seedStaff(store, 'ops1', 'agent', t.clock.now());
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await store.dispose();
    });

    it('answers loopback clients only when no token is set', async (c) => {
      if (skip) return c.skip(skip);
      const local = await new Browser(t.app, '127.0.0.1').get('/metrics');
      assert.equal(local.status, 200);
      assert.match(String(local.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      assert.match(local.body, /process_cpu_seconds_total/);
      assert.equal((await new Browser(t.app, '::1').get('/metrics')).status, 200);
      assert.equal((await new Browser(t.app, '203.0.113.7').get('/metrics')).status, 403);
      const proxied = await t.app.inject({
        url: '/metrics',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': '203.0.113.7' },
      });
      assert.equal(proxied.statusCode, 403, 'a request relayed by a local proxy is not local');
    });

    it('moves the sign-in counter and the per-route histogram after a sign-in journey', async (c) => {
      if (skip) return c.skip(skip);
      const before = await scrape(t);
      const ok0 = sample(before, 'sesame_sign_ins_total', 'subject="member",outcome="success"') ?? 0;
      const b = new Browser(t.app);
      let page = await b.get('/connexion');
      const good = await b.post('/connexion', {
        member_number: '100001',
        password: GOOD_PASSWORD,
        ...antiRobotAnswer(page.body, t.answerIndex),
      });
      assert.equal(good.status, 303);
      page = await b.get('/connexion');
      await b.post('/connexion', {
        member_number: '100001',
        password: 'wrong-password',
        ...antiRobotAnswer(page.body, t.answerIndex),
      });
      await (await signInStaff(t, 'ops1')).get('/admin/adherents/100001');
      const after = await scrape(t);
      assert.equal(sample(after, 'sesame_sign_ins_total', 'subject="member",outcome="success"'), ok0 + 1);
      assert.ok((sample(after, 'sesame_sign_ins_total', 'subject="member",outcome="failure"') ?? 0) >= 1);
      assert.ok((sample(after, 'sesame_sign_ins_total', 'subject="staff",outcome="success"') ?? 0) >= 1);
      assert.ok(
        (sample(
          after,
          'sesame_http_request_duration_seconds_count',
          'method="POST",route="/connexion",status_code="303"',
        ) ?? 0) >= 1,
      );
      assert.match(after, /route="\/admin\/adherents\/:number"/, 'labelled with the route pattern');
      assert.doesNotMatch(after, /100001/, 'no member number in the metrics');
    });

    it('counts codes sent per channel after a recovery journey', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      const page = await b.get('/mot-de-passe-oublie/numero');
      const started = await b.post('/mot-de-passe-oublie/numero', {
        member_number: '100002',
        ...antiRobotAnswer(page.body, t.answerIndex),
      });
      assert.equal(started.status, 303);
      const flowPage = await b.follow();
      const send = await b.post(`${started.location}/envoyer`, { channel: 'email' });
      assert.equal(send.status, 303, flowPage.body.slice(0, 200));
      const body = await scrape(t);
      assert.equal(sample(body, 'sesame_codes_sent_total', 'channel="email"'), 1);
      assert.ok(
        (sample(body, 'sesame_outbox_messages', 'status="pending"') ?? 0) >= 1,
        'the code waits in the outbox',
      );
      assert.equal(sample(body, 'sesame_letters', 'state="late"'), 0);
    });

    it('records Argon2 verification durations through the exported timer', async (c) => {
      if (skip) return c.skip(skip);
      const count0 = sample(await scrape(t), 'sesame_argon2_verify_duration_seconds_count', '') ?? 0;
      assert.equal(await timeArgon2Verify(async () => true), true);
      await assert.rejects(timeArgon2Verify(async () => Promise.reject(new Error('boom'))));
      assert.equal(sample(await scrape(t), 'sesame_argon2_verify_duration_seconds_count', ''), count0 + 2);
    });
  });
}

describe('metrics with a token', () => {
  let store: TestStore;
  let t: TestApp;
  before(async () => {
    store = await DIALECTS[0]!.open();
    t = await buildTestApp(store, { SESAME_METRICS_TOKEN: 'scrape-token-0123456789' });
  });
  after(async () => {
    await t.close();
    await store.dispose();
  });

  it('refuses /metrics without the bearer token, even from loopback, and answers with it', async () => {
    const none = await new Browser(t.app, '127.0.0.1').get('/metrics');
    assert.equal(none.status, 401);
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    const wrong = await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.statusCode, 401);
    const right = await t.app.inject({
      url: '/metrics',
      remoteAddress: '203.0.113.9',
      headers: { authorization: 'Bearer scrape-token-0123456789' },
    });
    assert.equal(right.statusCode, 200);
    assert.match(right.body, /sesame_http_request_duration_seconds/);
  });
});
