import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { MAX_ATTEMPTS } from '../../src/delivery/outbox.js';
import { createHttpSmsTransport } from '../../src/delivery/sms-http.js';
import { createTransports } from '../../src/delivery/transports.js';
import { startDeliveryWorker } from '../../src/delivery/worker.js';
import { ManualClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/stores.js';
import { BRAND, enqueueCode, enqueueNotice, lowRandom, outboxRow, RecordingTransport } from './helpers.js';

const TOKEN = 'tok_live_0123456789abcdef';

interface Received {
  readonly method: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** A local SMS provider; `answer` decides the reply (or never replies). */
async function startProvider(answer: (res: ServerResponse) => void): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString()),
      });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/sms`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function config(dataDir: string, smsUrl: string) {
  return {
    dataDir,
    smtpUrl: '',
    mailFrom: 'Espace Adhérent <ne-pas-repondre@mutuelle.example>',
    mailReplyTo: '',
    smsUrl,
    smsToken: TOKEN,
    smsSender: 'MUTUELLE',
  };
}

for (const d of DIALECTS) {
  describe(`HTTP SMS delivery on ${d.name}`, () => {
    it('posts the documented JSON body with the bearer token and marks the message sent on 200', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      const provider = await startProvider((res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
      );
      const clock = new ManualClock();
      const transports = createTransports(config(store.dataDir, provider.url), clock);
      assert.equal(transports.kinds.sms, 'http');
      const worker = startDeliveryWorker({
        store,
        transports,
        clock,
        random: lowRandom,
        brand: BRAND,
        pollMs: 60_000,
      });
      try {
        const id = await enqueueCode(store.db, clock.now(), 'sms', '161803');
        assert.equal(await worker.runOnce(), 1);
        assert.equal(provider.received.length, 1);
        const [request] = provider.received;
        assert.equal(request?.method, 'POST');
        assert.equal(request?.headers.authorization, `Bearer ${TOKEN}`);
        assert.equal(request?.headers['content-type'], 'application/json');
        assert.deepEqual(request?.body, {
          to: '+33612345678',
          from: 'MUTUELLE',
          text: "Mutuelle des agents publics : votre code d'activation est 161803. Valable 10 min. Ne le communiquez à personne.",
          reference: String(id),
        });
        const row = await outboxRow(store.db, id);
        assert.equal(row.status, 'sent');
        assert.deepEqual(JSON.parse(row.payload), { code: '' });
      } finally {
        await worker.stop();
        await provider.close();
        await store.dispose();
      }
    });

    it('retries a provider answering 500 and flags the message failed after the retry budget', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      const provider = await startProvider((res) =>
        res.writeHead(500).end(`{"error":"down","token":"${TOKEN}"}`),
      );
      const clock = new ManualClock();
      const transports = createTransports(config(store.dataDir, provider.url), clock);
      const worker = startDeliveryWorker({
        store,
        transports,
        clock,
        random: lowRandom,
        brand: BRAND,
        pollMs: 60_000,
      });
      try {
        const id = await enqueueNotice(store.db, clock.now(), 'sms');
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          clock.set((await outboxRow(store.db, id)).next_attempt_at);
          assert.equal(await worker.runOnce(), 1);
          assert.equal((await outboxRow(store.db, id)).attempts, attempt);
        }
        const row = await outboxRow(store.db, id);
        assert.equal(row.status, 'failed');
        assert.equal(row.last_error, 'SMS provider answered HTTP 500');
        clock.advance(24 * 60 * 60 * 1000);
        assert.equal(await worker.runOnce(), 0);
        assert.equal(provider.received.length, MAX_ATTEMPTS);
      } finally {
        await worker.stop();
        await provider.close();
        await store.dispose();
      }
    });

    it('counts a provider that does not answer in time as a failed attempt', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      const provider = await startProvider(() => {}); // never answers
      const clock = new ManualClock();
      const transports = {
        email: new RecordingTransport(),
        sms: createHttpSmsTransport({ url: provider.url, token: TOKEN, sender: 'MUTUELLE', timeoutMs: 200 }),
      };
      const worker = startDeliveryWorker({
        store,
        transports,
        clock,
        random: lowRandom,
        brand: BRAND,
        pollMs: 60_000,
      });
      try {
        const id = await enqueueCode(store.db, clock.now(), 'sms');
        assert.equal(await worker.runOnce(), 1);
        const row = await outboxRow(store.db, id);
        assert.equal(row.status, 'pending');
        assert.equal(row.attempts, 1);
        assert.equal(row.last_error, 'SMS provider did not answer within 200 ms');
        assert.equal(provider.received.length, 1);
      } finally {
        await worker.stop();
        await provider.close();
        await store.dispose();
      }
    });
  });
}

describe('HTTP SMS transport', () => {
  it('reports an unreachable provider without the token or the text', async () => {
    const provider = await startProvider((res) => res.end());
    await provider.close();
    const sms = createHttpSmsTransport({ url: provider.url, token: TOKEN, sender: 'MUTUELLE' });
    await assert.rejects(
      sms.send({ channel: 'sms', outboxId: 1, to: '+33612345678', text: 'code 123456' }),
      (error: Error) => {
        assert.equal(error.message, 'SMS provider unreachable: ECONNREFUSED');
        return true;
      },
    );
  });
});
