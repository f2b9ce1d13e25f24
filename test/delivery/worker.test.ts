import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import type { RenderedEmail, RenderedSms } from '../../src/delivery/templates.js';
import type { Transport, Transports } from '../../src/delivery/transport.js';
import { startDeliveryWorker } from '../../src/delivery/worker.js';
import { ManualClock, MINUTE } from '../../src/platform/clock.js';
import { openStore, type Store } from '../../src/store/db.js';
import { DIALECTS } from '../helpers/stores.js';
import { BRAND, enqueueCode, enqueueNotice, lowRandom, outboxRow, recordingTransports } from './helpers.js';

/** Transports that log every delivered outbox id into `log`, yielding to the event loop while "sending". */
function slowTransports(log: number[]): Transports {
  const send = async (m: RenderedEmail | RenderedSms): Promise<void> => {
    await sleep(1);
    log.push(m.outboxId);
  };
  const email: Transport<RenderedEmail> = { send };
  const sms: Transport<RenderedSms> = { send };
  return { email, sms };
}

for (const d of DIALECTS) {
  describe(`delivery worker on ${d.name}`, () => {
    it('never delivers a message twice when two workers run at the same time', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      // PostgreSQL: a second pool, as a second process would have. SQLite has one writer per process:
      // the two workers share the connection there.
      const other: Store =
        d.name === 'postgres'
          ? openStore({ databaseUrl: store.databaseUrl, dataDir: store.dataDir, poolSize: 5 })
          : store;
      const clock = new ManualClock();
      const delivered: number[] = [];
      const common = {
        clock,
        random: lowRandom,
        brand: BRAND,
        pollMs: 60_000,
        transports: slowTransports(delivered),
      };
      const a = startDeliveryWorker({ ...common, store });
      const b = startDeliveryWorker({ ...common, store: other });
      try {
        const ids: number[] = [];
        for (let i = 0; i < 40; i++)
          ids.push(await enqueueNotice(store.db, clock.now(), i % 2 ? 'email' : 'sms'));
        const [byA, byB] = await Promise.all([a.runOnce(), b.runOnce()]);
        assert.equal(byA + byB, 40);
        assert.deepEqual(
          [...delivered].sort((x, y) => x - y),
          ids,
        );
        const statuses = await store.db.selectFrom('outbox').select('status').distinct().execute();
        assert.deepEqual(
          statuses.map((s) => s.status),
          ['sent'],
        );
      } finally {
        await a.stop();
        await b.stop();
        if (other !== store) await other.close();
        await store.dispose();
      }
    });

    it('finishes the send in flight before stop resolves', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      const clock = new ManualClock();
      const transports = recordingTransports();
      let release = (): void => {};
      transports.email.gate = new Promise((resolve) => {
        release = resolve;
      });
      const worker = startDeliveryWorker({
        store,
        transports,
        clock,
        random: lowRandom,
        brand: BRAND,
        pollMs: 60_000,
      });
      try {
        const id = await enqueueCode(store.db, clock.now(), 'email');
        await enqueueCode(store.db, clock.now(), 'email'); // due, but stop means no new claim once released
        const run = worker.runOnce();
        while ((await outboxRow(store.db, id)).status !== 'sending') await sleep(1);
        let stopped = false;
        const stopping = worker.stop().then(() => {
          stopped = true;
        });
        await sleep(5);
        assert.equal(stopped, false, 'stop waits for the send');
        release();
        await stopping;
        assert.equal((await outboxRow(store.db, id)).status, 'sent');
        assert.ok((await run) >= 1);
        assert.equal(await worker.runOnce(), 0, 'a stopped worker claims nothing');
      } finally {
        release();
        await worker.stop();
        await store.dispose();
      }
    });

    it('delivers on its own poll and reports when it last polled', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      const clock = new ManualClock();
      const transports = recordingTransports();
      let delivered = (_: RenderedSms): void => {};
      const seen = new Promise<RenderedSms>((resolve) => {
        delivered = resolve;
      });
      const sms: Transport<RenderedSms> = { send: async (m) => delivered(m) };
      const worker = startDeliveryWorker({
        store,
        transports: { email: transports.email, sms },
        clock,
        random: lowRandom,
        brand: BRAND,
        logger: pino({ level: 'silent' }),
        pollMs: 20,
      });
      try {
        clock.advance(MINUTE);
        const id = await enqueueCode(store.db, clock.now(), 'sms', '112358');
        // The poll timer is unref'd (it must not hold a process open): keep this test's loop alive meanwhile.
        const keepAlive = setInterval(() => {}, 1000);
        const message = await seen.finally(() => clearInterval(keepAlive));
        assert.equal(message.outboxId, id);
        assert.match(message.text, /112358/);
        assert.equal(worker.lastTickAt(), clock.now());
      } finally {
        await worker.stop();
        await store.dispose();
      }
    });

    it('abandons an activation code that could not be delivered within its 10 minutes', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      const clock = new ManualClock();
      const transports = recordingTransports();
      transports.sms.fail = 'SMS provider answered HTTP 503';
      const worker = startDeliveryWorker({
        store,
        transports,
        clock,
        random: lowRandom,
        brand: BRAND,
        pollMs: 60_000,
      });
      try {
        const id = await enqueueCode(store.db, clock.now(), 'sms', '998877');
        await worker.runOnce();
        assert.equal((await outboxRow(store.db, id)).status, 'pending');
        transports.sms.fail = undefined;
        clock.advance(10 * MINUTE + 1);
        assert.equal(await worker.runOnce(), 1);
        const row = await outboxRow(store.db, id);
        assert.equal(row.status, 'failed');
        assert.equal(row.last_error, 'not delivered before the code expired');
        assert.deepEqual(JSON.parse(row.payload), { code: '' });
        assert.equal(transports.sms.sent.length, 0, 'an expired code is never sent');
      } finally {
        await worker.stop();
        await store.dispose();
      }
    });
  });
}
