import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { createTransports } from '../../src/delivery/transports.js';
import { startDeliveryWorker } from '../../src/delivery/worker.js';
import { ManualClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/stores.js';
import { BRAND, enqueueCode, lowRandom, outboxRow } from './helpers.js';

const CONFIG = {
  smtpUrl: '',
  mailFrom: 'Espace Adhérent <ne-pas-repondre@mutuelle.example>',
  mailReplyTo: 'adherents@mutuelle.example',
  smsUrl: '',
  smsToken: '',
  smsSender: 'MUTUELLE',
};

for (const d of DIALECTS) {
  describe(`outbox files on ${d.name}`, () => {
    it('writes an e-mail as a complete .eml message with a plain-text and an HTML part', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      const clock = new ManualClock();
      const transports = createTransports({ ...CONFIG, dataDir: store.dataDir }, clock);
      assert.deepEqual(transports.kinds, { email: 'files', sms: 'files' });
      const worker = startDeliveryWorker({
        store,
        transports,
        clock,
        random: lowRandom,
        brand: BRAND,
        pollMs: 60_000,
      });
      try {
        const id = await enqueueCode(store.db, clock.now(), 'email', '246810');
        assert.equal(await worker.runOnce(), 1);
        const dir = join(store.dataDir, 'outbox');
        const files = await readdir(dir);
        assert.deepEqual(files, [`20260115T090000.000Z-${String(id).padStart(10, '0')}-email.eml`]);
        const mail = await simpleParser(await readFile(join(dir, files[0] ?? '')));
        assert.equal(mail.subject, "Votre code d'activation");
        assert.match(mail.text ?? '', /246810/);
        assert.ok(typeof mail.html === 'string' && mail.html.includes('246810'));
        assert.equal(mail.from?.value[0]?.address, 'ne-pas-repondre@mutuelle.example');
        assert.equal(mail.from?.value[0]?.name, 'Espace Adhérent');
        assert.equal(mail.replyTo?.value[0]?.address, 'adherents@mutuelle.example');
        const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
        assert.equal(to?.value[0]?.address, 'claire.martin@example.org');
        assert.equal(mail.date?.getTime(), clock.now());
        assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
        const row = await outboxRow(store.db, id);
        assert.equal(row.status, 'sent');
        assert.deepEqual(JSON.parse(row.payload), { code: '' });
      } finally {
        await worker.stop();
        await transports.close();
        await store.dispose();
      }
    });

    it('writes an SMS as a .json file holding the provider body, one file per message', async (t) => {
      const reason = await d.skip();
      if (reason) return t.skip(reason);
      const store = await d.open();
      const clock = new ManualClock();
      const transports = createTransports({ ...CONFIG, dataDir: store.dataDir }, clock);
      const worker = startDeliveryWorker({
        store,
        transports,
        clock,
        random: lowRandom,
        brand: BRAND,
        pollMs: 60_000,
      });
      try {
        const first = await enqueueCode(store.db, clock.now(), 'sms', '135790');
        const second = await enqueueCode(store.db, clock.now(), 'sms', '975310');
        assert.equal(await worker.runOnce(), 2);
        const dir = join(store.dataDir, 'outbox');
        const files = (await readdir(dir)).sort();
        assert.equal(files.length, 2, 'one file per message, no temporary file left');
        assert.ok(files.every((f) => /^\d{8}T\d{6}\.\d{3}Z-\d{10}-sms\.json$/.test(f)));
        const bodies = await Promise.all(
          files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8'))),
        );
        const byReference = new Map(bodies.map((b) => [b.reference, b]));
        assert.deepEqual(byReference.get(String(first)), {
          to: '+33612345678',
          from: 'MUTUELLE',
          text: "Mutuelle des agents publics : votre code d'activation est 135790. Valable 10 min. Ne le communiquez à personne.",
          reference: String(first),
        });
        assert.match(byReference.get(String(second))?.text, /975310/);
      } finally {
        await worker.stop();
        await transports.close();
        await store.dispose();
      }
    });
  });
}
