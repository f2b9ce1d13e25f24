import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createTransports } from '../../src/delivery/transports.js';
import { startDeliveryWorker } from '../../src/delivery/worker.js';
import { ManualClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/stores.js';
import { attemptsOf, BRAND, enqueueCode, lowRandom, outboxRow } from './helpers.js';

/** A local SMTP server keeping every message it accepts. */
async function startSmtp(port = 0): Promise<{ port: number; received: Buffer[]; close(): Promise<void> }> {
  const received: Buffer[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function config(dataDir: string, port: number) {
  return {
    dataDir,
    smtpUrl: `smtp://127.0.0.1:${port}`,
    mailFrom: 'Espace Adhérent <ne-pas-repondre@mutuelle.example>',
    mailReplyTo: '',
    smsUrl: '',
    smsToken: '',
    smsSender: 'MUTUELLE',
  };
}

for (const d of DIALECTS) {
  describe(`SMTP delivery on ${d.name}`, () => {
    it('hands the e-mail to the SMTP server, which receives the code', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      const smtp = await startSmtp();
      const clock = new ManualClock();
      const transports = createTransports(config(store.dataDir, smtp.port), clock);
      assert.equal(transports.kinds.email, 'smtp');
      const worker = startDeliveryWorker({
        store,
        transports,
        clock,
        random: lowRandom,
        brand: BRAND,
        pollMs: 60_000,
      });
      try {
        const id = await enqueueCode(store.db, clock.now(), 'email', '314159');
        assert.equal(await worker.runOnce(), 1);
        assert.equal(smtp.received.length, 1);
        const mail = await simpleParser(smtp.received[0] ?? Buffer.alloc(0));
        assert.equal(mail.subject, "Votre code d'activation");
        assert.match(mail.text ?? '', /314159/);
        assert.ok(typeof mail.html === 'string' && mail.html.includes('314159'));
        assert.equal((await outboxRow(store.db, id)).status, 'sent');
      } finally {
        await worker.stop();
        await transports.close();
        await smtp.close();
        await store.dispose();
      }
    });

    it('retries after the SMTP server was down and delivers exactly once when it is back', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      // Take a free port, then close the server: the port now refuses connections.
      const probe = await startSmtp();
      await probe.close();
      const clock = new ManualClock();
      const transports = createTransports(config(store.dataDir, probe.port), clock);
      const worker = startDeliveryWorker({
        store,
        transports,
        clock,
        random: lowRandom,
        brand: BRAND,
        pollMs: 60_000,
      });
      let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
      try {
        const id = await enqueueCode(store.db, clock.now(), 'email', '271828');
        assert.equal(await worker.runOnce(), 1);
        const failed = await outboxRow(store.db, id);
        assert.equal(failed.status, 'pending');
        assert.equal(failed.attempts, 1);
        assert.equal(failed.next_attempt_at, clock.now() + 24_000);
        assert.match(failed.last_error ?? '', /^SMTP/);
        assert.doesNotMatch(failed.last_error ?? '', /271828/);

        assert.equal(await worker.runOnce(), 0, 'nothing is retried before the backoff');
        smtp = await startSmtp(probe.port);
        clock.set(failed.next_attempt_at);
        assert.equal(await worker.runOnce(), 1);
        clock.advance(2 * 60 * 60 * 1000);
        assert.equal(await worker.runOnce(), 0);

        assert.equal(smtp.received.length, 1);
        const mail = await simpleParser(smtp.received[0] ?? Buffer.alloc(0));
        assert.match(mail.text ?? '', /271828/);
        const row = await outboxRow(store.db, id);
        assert.equal(row.status, 'sent');
        assert.deepEqual(
          (await attemptsOf(store.db, id)).map((a) => a.ok),
          [0, 1],
        );
      } finally {
        await worker.stop();
        await transports.close();
        await smtp?.close();
        await store.dispose();
      }
    });
  });
}
