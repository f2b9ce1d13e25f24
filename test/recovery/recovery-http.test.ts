import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { createTransports } from '../../src/delivery/transports.js';
import { startDeliveryWorker } from '../../src/delivery/worker.js';
import { antiRobotAnswer, Browser, buildTestApp, csrfOf, type TestApp, textOf } from '../helpers/app.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

/** A real SMTP server on a free loopback port, keeping what it receives. */
async function startSmtp(): Promise<{ url: string; messages: string[]; close(): Promise<void> }> {
  const messages: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push(Buffer.concat(chunks).toString('utf8'));
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function startFlow(b: Browser, t: TestApp, number: string) {
  const page = await b.get('/mot-de-passe-oublie/numero');
  const res = await b.post('/mot-de-passe-oublie/numero', {
    member_number: number,
    ...antiRobotAnswer(page.body, t.answerIndex),
  });
  assert.equal(res.status, 303, textOf(res.body).slice(0, 300));
  const flowUrl = res.location!;
  await b.get(flowUrl);
  return flowUrl;
}

/** A page with everything that varies per request or per member blanked out. */
function shape(html: string): string {
  return html
    .replace(/value="[^"]*"/g, 'value=""')
    .replace(/\/mot-de-passe-oublie\/[A-Za-z0-9_-]{10,}/g, '/mot-de-passe-oublie/ID')
    .replace(/\/anti-robot\/pictures\/[^"]+/g, 'PICTURE')
    .replace(/<span class="masked">[^<]*<\/span>/g, '<span class="masked">MASKED</span>')
    .replace(/ : [^<]*\*[^<]*\./g, ' : MASKED.');
}

for (const d of DIALECTS) {
  describe(`recovery over HTTP on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const logLines: string[] = [];
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      smtp = await startSmtp();
      const sink = new Writable({
        write(chunk, _enc, cb) {
          logLines.push(String(chunk));
          cb();
        },
      });
      t = await buildTestApp(
        store,
        { SESAME_SMTP_URL: smtp.url, SESAME_LOG_LEVEL: 'debug' },
        { logger: pino({ level: 'debug' }, sink) },
      );
      await seedMember(store, {
        number: '600001',
        password: GOOD_PASSWORD,
        email: 'marie.curie@example.fr',
        mobile: '+33611223344',
      });
      await seedMember(store, { number: '600002', email: null, mobile: '+33655443322' });
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await smtp.close();
      await store.dispose();
    });

    it('shows an unknown number the same pages as a known one, and sends nothing', async (c) => {
      if (skip) return c.skip(skip);
      const known = new Browser(t.app);
      const unknown = new Browser(t.app);
      const kFlow = await startFlow(known, t, '600001');
      const uFlow = await startFlow(unknown, t, '699999');
      assert.equal(shape(known.last!.body), shape(unknown.last!.body));
      assert.match(unknown.last!.body, /Recevoir mon code par (e-mail|SMS)/);
      const before = await store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const kSent = await known.post(`${kFlow}/envoyer`, { channel: 'email' });
      const uChannel = /name="channel" value="(email|sms)"/.exec(unknown.last!.body)![1]!;
      const uSent = await unknown.post(`${uFlow}/envoyer`, { channel: uChannel });
      assert.equal(kSent.status, 303);
      assert.equal(uSent.status, 303);
      await known.follow();
      await unknown.follow();
      assert.match(textOf(unknown.last!.body), /Merci de saisir votre code d’activation/);
      const afterCount = await store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(afterCount.n), Number(before.n) + 1, 'only the real member gets a message');
      // The unknown number's masked address is the same on a second try.
      const again = new Browser(t.app);
      await startFlow(again, t, '699999');
      const masked = (h: string) => [...h.matchAll(/<span class="masked">([^<]*)<\/span>/g)].map((m) => m[1]);
      await unknown.get(uFlow.replace(/\?.*/, ''));
      const first = new Browser(t.app);
      await startFlow(first, t, '699999');
      assert.deepEqual(masked(again.last!.body), masked(first.last!.body));
    });

    it('completes the journey with the code received by a real SMTP server', async (c) => {
      if (skip) return c.skip(skip);
      const worker = startDeliveryWorker({
        store,
        transports: createTransports(t.config),
        clock: t.clock,
        random: t.services.random,
        brand: { insurerName: t.config.insurerName, insurerPhone: t.config.insurerPhone },
        pollMs: 60_000,
      });
      try {
        const b = new Browser(t.app);
        const flow = await startFlow(b, t, '600001');
        assert.match(b.last!.body, /m\*\*\*\*\*@e\*\*\*\*\.fr/);
        await worker.runOnce(); // what earlier tests queued
        smtp.messages.length = 0;
        await b.post(`${flow}/envoyer`, { channel: 'email' });
        await b.follow();
        await worker.runOnce();
        assert.equal(smtp.messages.length, 1);
        const mail = await simpleParser(smtp.messages[0]!);
        assert.equal(mail.subject, "Votre code d'activation");
        const code = /\b(\d{6})\b/.exec(String(mail.text))![1]!;
        // Bad codes first: each gets a clear message and nothing else changes.
        for (const bad of ['abcdef', '12345', '1234567', ' ']) {
          const res = await b.post(`${flow}/code`, { code: bad });
          assert.equal(res.status, 400);
          assert.match(textOf(res.body), /6 chiffres/);
        }
        const formToken = csrfOf(b.last!.body)!;
        const ok = await b.post(`${flow}/code`, { code });
        assert.equal(ok.status, 303);
        await b.follow();
        assert.match(textOf(b.last!.body), /Merci de saisir votre nouveau mot de passe/);
        for (const [pw, rule] of [
          ['court1!A', 'min-length'],
          ['sanschiffre-Abcdef!', 'digit'],
          ['SANSMINUSCULE-1234!', 'lower'],
          ['sansmajuscule-1234!', 'upper'],
          ['SansSpecial12345', 'special'],
          ["Avec'Apostrophe-12", 'no-forbidden-chars'],
          ['Avec%Pourcent-12ab', 'no-forbidden-chars'],
          ['Avec\\Antislash-12ab', 'no-forbidden-chars'],
          ['Avec_Underscore-12ab', 'no-forbidden-chars'],
          ['Motdepasse123!', 'not-common'],
          ['Curie-600001-Abc!', 'not-personal'],
        ] as const) {
          const res = await b.post(`${flow}/mot-de-passe`, { new_password: pw, confirm_password: pw });
          assert.equal(res.status, 400, pw);
          assert.match(res.body, new RegExp(`<li data-rule="${rule}" class="ko"`), `${pw} must fail ${rule}`);
        }
        const mismatch = await b.post(`${flow}/mot-de-passe`, {
          new_password: 'Glacier-Bleu-2031!',
          confirm_password: 'Glacier-Bleu-2032!',
        });
        assert.equal(mismatch.status, 400);
        assert.match(textOf(mismatch.body), /La confirmation ne correspond pas/);
        const done = await b.post(`${flow}/mot-de-passe`, {
          new_password: 'Glacier-Bleu-2031!',
          confirm_password: 'Glacier-Bleu-2031!',
        });
        assert.equal(done.status, 303);
        await b.follow();
        assert.match(textOf(b.last!.body), /Félicitations !/);
        // A notice goes to every address on file; it never holds the password.
        await worker.runOnce();
        const notices = await Promise.all(smtp.messages.slice(1).map((m) => simpleParser(m)));
        assert.ok(notices.some((m) => m.subject === 'Votre mot de passe a été modifié'));
        for (const m of notices) assert.doesNotMatch(String(m.text), /Glacier-Bleu-2031!/);
        // The new password opens the member space.
        const signIn = new Browser(t.app);
        const page = await signIn.get('/connexion');
        const res = await signIn.post('/connexion', {
          member_number: '600001',
          password: 'Glacier-Bleu-2031!',
          ...antiRobotAnswer(page.body, t.answerIndex),
        });
        assert.equal(res.status, 303);
        // Replaying the finished flow is refused with a message that says what to do.
        const replay = await b.post(`${flow}/code`, { code, _csrf: formToken });
        assert.equal(replay.status, 400);
        assert.match(textOf(replay.body), /Cette étape n’est pas disponible/);
      } finally {
        await worker.stop();
      }
    });

    it('counts wrong codes down on the page and closes the request at the fifth', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      const flow = await startFlow(b, t, '600001');
      await b.post(`${flow}/envoyer`, { channel: 'sms' });
      await b.follow();
      assert.match(b.last!.body, /name="code"/);
      for (let left = 4; left >= 1; left--) {
        const res = await b.post(`${flow}/code`, { code: '000000' });
        assert.equal(res.status, 400);
        assert.match(textOf(res.body), new RegExp(`Il vous reste ${left} essai\\(s\\)`));
        assert.match(res.body, /name="code"/, 'the code can still be typed');
      }
      const closed = await b.post(`${flow}/code`, { code: '000000' });
      assert.match(textOf(closed.body), /Trop de codes incorrects/);
      assert.doesNotMatch(closed.body, /name="code"/, 'no field for a sixth code');
      // The page shown with the refusal is the page the flow now has.
      const again = await b.get(flow);
      assert.doesNotMatch(again.body, /name="code"/);
      assert.equal(textOf(again.body).includes('Trop de codes incorrects'), false);
    });

    it('refuses a forged flow cookie and a forged flow id with a message that says what to do', async (c) => {
      if (skip) return c.skip(skip);
      const b = new Browser(t.app);
      const flow = await startFlow(b, t, '600002');
      b.cookies.set('__Host-recovery', 'A'.repeat(43));
      const forgedCookie = await b.get(flow);
      assert.equal(forgedCookie.status, 400);
      assert.match(textOf(forgedCookie.body), /même page internet/);
      assert.match(forgedCookie.body, /href="\/mot-de-passe-oublie\/numero"/);
      const forgedId = await new Browser(t.app).get('/mot-de-passe-oublie/AAAAAAAAAAAAAAAAAAAAAA');
      assert.equal(forgedId.status, 400);
      assert.match(textOf(forgedId.body), /introuvable ou terminée/);
    });

    it('keeps codes, passwords and full addresses out of the logs', async (c) => {
      if (skip) return c.skip(skip);
      const logs = logLines.join('');
      assert.ok(logs.length > 0, 'the journey was logged');
      const codes = await store.db.selectFrom('audit_events').select('details').execute();
      assert.ok(codes.length > 0);
      assert.doesNotMatch(logs, /Glacier-Bleu-2031!/);
      assert.doesNotMatch(logs, /marie\.curie@example\.fr/);
      assert.doesNotMatch(logs, /\+33611223344/);
      assert.doesNotMatch(logs, /_csrf=|__Host-sesame=|__Host-recovery=/);
      for (const m of smtp.messages) {
        const code = /\b(\d{6})\b/.exec(String((await simpleParser(m)).text))?.[1];
        if (code)
          assert.doesNotMatch(logs, new RegExp(`"[^"]*":"?${code}"?`), 'no activation code in the logs');
      }
    });
  });
}
