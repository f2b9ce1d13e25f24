// Property-based hostile input on every route the server lists (issue 8, ASVS 5.0 V1/V2 level 2): each run
// posts generated values (SQL and HTML metacharacters, NUL, CRLF, confusables, combining marks, lone
// surrogates, invalid UTF-8 bytes, oversized text) into every form field, path parameter, query parameter
// and cookie, and checks the answer: never a 5xx, never an internal detail, a French page, and the watched
// tables untouched whenever the request was refused. The coverage table must name every route: a route
// added to the server without an entry here fails the first test.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { newLetterRow } from '../../src/letters/requests.js';
import { seedStaff, signInStaff, staffPasswordStep } from '../admin/helpers.js';
import { antiRobotAnswer, Browser, buildTestApp, csrfOf, type TestApp } from '../helpers/app.js';
import {
  type Answer,
  assertSafeAnswer,
  assertUnchanged,
  checkProperty,
  fillPattern,
  formBody,
  hostileString,
  hostileWireValue,
  listRoutes,
  PROTOTYPE_KEYS,
  pathSegment,
  percentEncode,
  queryString,
  rowCounts,
  send,
  type WireValue,
} from '../helpers/hostile.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

type Who = 'anon' | 'member' | 'staff' | 'staffPending' | 'flow';
type FlowState = 'choosing_channel' | 'awaiting_code' | 'code_verified';

interface Identity {
  readonly cookies: ReadonlyMap<string, string>;
  readonly csrf: string;
}

interface Ctx {
  readonly ids: Record<Exclude<Who, 'flow'>, Identity>;
  flow: Identity & { id: string };
  readonly letterId: string;
  readonly targetStaffId: string;
}

interface Cover {
  readonly as: Who;
  /** Form fields; each run sends a hostile value for some of them and the valid value for the others. */
  readonly fields?: readonly string[];
  /** Query parameters the handler reads (others are added at random too). */
  readonly query?: readonly string[];
  /** The page whose anti-robot challenge this form answers. */
  readonly challengePage?: string;
  /** Recovery steps: the state the flow is put in before the runs. */
  readonly flowState?: FlowState;
  /** Member number of the flow (defaults to one with e-mail and mobile). */
  readonly flowMember?: string;
  /** Valid values of fields and path parameters, so that runs reach past the first check. */
  readonly valid?: (ctx: Ctx) => Readonly<Record<string, string>>;
}

const ANTI_ROBOT_FIELDS = ['challenge_id', 'challenge_choice', 'altcha'] as const;
const CONFIRM = { fields: ['confirm'] } as const;
const adminMember = (extra: Record<string, string> = {}) => ({
  as: 'staff' as const,
  ...CONFIRM,
  valid: (c: Ctx) => ({ number: '100004', letter: c.letterId, confirm: '1', ...extra }),
});
const adminTeam = {
  as: 'staff' as const,
  ...CONFIRM,
  valid: (c: Ctx) => ({ id: c.targetStaffId, confirm: '1' }),
};
const flowRoute = (
  state: FlowState,
  fields: string[] = [],
  valid: Record<string, string> = {},
  member?: string,
): Cover => ({
  as: 'flow',
  flowState: state,
  fields,
  flowMember: member,
  valid: (c) => ({ id: c.flow.id, ...valid }),
});

// Every route of the server, with how to reach it. Keep in step with `listRoutes` (the first test says what is missing).
const COVERAGE: Readonly<Record<string, Cover>> = {
  'GET /': { as: 'anon' },
  'GET /assets/*': { as: 'anon', valid: () => ({ '*': 'css/site.css' }) },
  'GET /favicon.ico': { as: 'anon' },
  'GET /healthz': { as: 'anon' },
  'GET /readyz': { as: 'anon' },
  'GET /metrics': { as: 'anon' },
  'GET /anti-robot/pictures/:file': { as: 'anon', valid: () => ({ file: 'x.png' }) },
  'GET /anti-robot/altcha-challenge': { as: 'anon' },
  'GET /anti-robot/altcha/:file': { as: 'anon', valid: () => ({ file: 'setup.js' }) },
  'GET /connexion': { as: 'anon', query: ['fin', 'expire'] },
  'POST /connexion': {
    as: 'anon',
    challengePage: '/connexion',
    fields: ['member_number', 'password', ...ANTI_ROBOT_FIELDS],
    valid: () => ({ member_number: '100001', password: 'Mauvais-Mot-2024!' }),
  },
  'POST /deconnexion': { as: 'anon' },
  'GET /conseils-securite': { as: 'anon' },
  'GET /mot-de-passe-oublie': { as: 'anon' },
  'GET /mot-de-passe-oublie/numero': { as: 'anon' },
  'POST /mot-de-passe-oublie/numero': {
    as: 'anon',
    challengePage: '/mot-de-passe-oublie/numero',
    fields: ['member_number', ...ANTI_ROBOT_FIELDS],
    valid: () => ({ member_number: '100002' }),
  },
  'GET /mot-de-passe-oublie/:id': { ...flowRoute('awaiting_code'), query: ['renvoye', 'ouvert'] },
  'POST /mot-de-passe-oublie/:id/envoyer': flowRoute('choosing_channel', ['channel'], { channel: 'email' }),
  'POST /mot-de-passe-oublie/:id/renvoyer': flowRoute('awaiting_code'),
  'POST /mot-de-passe-oublie/:id/code': flowRoute('awaiting_code', ['code'], { code: '000000' }),
  'POST /mot-de-passe-oublie/:id/mot-de-passe': flowRoute(
    'code_verified',
    ['new_password', 'confirm_password'],
    {
      new_password: 'Nouvelle-Lune-2031!',
      confirm_password: 'Nouvelle-Lune-2031?',
    },
  ),
  'POST /mot-de-passe-oublie/:id/courrier': flowRoute('choosing_channel', [], {}, '100003'),
  'GET /espace': { as: 'member', query: ['bienvenue', 'modifie', 'partout'] },
  'GET /espace/mot-de-passe': { as: 'member' },
  'POST /espace/mot-de-passe': {
    as: 'member',
    fields: ['current_password', 'new_password', 'confirm_password'],
    valid: () => ({
      current_password: GOOD_PASSWORD,
      new_password: 'Nouvelle-Lune-2031!',
      confirm_password: 'x',
    }),
  },
  'GET /espace/nouveau-mot-de-passe': { as: 'member' },
  'POST /espace/nouveau-mot-de-passe': {
    as: 'member',
    fields: ['new_password', 'confirm_password'],
    valid: () => ({ new_password: 'Nouvelle-Lune-2031!', confirm_password: 'x' }),
  },
  'POST /espace/deconnecter-partout': { as: 'member' },
  // Back office (issue 6).
  'GET /admin': { as: 'staff' },
  'GET /admin/': { as: 'staff' },
  'GET /admin/connexion': { as: 'anon', query: ['fin', 'expire'] },
  'POST /admin/connexion': {
    as: 'anon',
    challengePage: '/admin/connexion',
    fields: ['username', 'password', ...ANTI_ROBOT_FIELDS],
    valid: () => ({ username: 'guichet9', password: 'Mauvais-Mot-2024!' }),
  },
  'GET /admin/connexion/code': { as: 'staffPending' },
  'POST /admin/connexion/code': { as: 'staffPending', fields: ['code'], valid: () => ({ code: '000000' }) },
  'POST /admin/deconnexion': { as: 'anon' },
  'GET /admin/adherents': { as: 'staff', query: ['q', 'page'] },
  'GET /admin/adherents/:number': { ...adminMember(), query: ['n', 'fait'] },
  'GET /admin/adherents/:number/debloquer': adminMember(),
  'POST /admin/adherents/:number/debloquer': adminMember(),
  'GET /admin/adherents/:number/fermer-sessions': adminMember(),
  'POST /admin/adherents/:number/fermer-sessions': adminMember(),
  'GET /admin/adherents/:number/courrier': adminMember(),
  'POST /admin/adherents/:number/courrier': adminMember(),
  'GET /admin/adherents/:number/courriers/:letter/annuler': adminMember(),
  'POST /admin/adherents/:number/courriers/:letter/annuler': adminMember(),
  'GET /admin/courriers': { as: 'staff', query: ['poste'] },
  'POST /admin/courriers/lot': { as: 'staff' },
  'POST /admin/courriers/lots/:batch/poste': { as: 'staff', valid: () => ({ batch: '1' }) },
  'GET /admin/journal': { as: 'staff', query: ['member', 'staff', 'event', 'from', 'to', 'page'] },
  'POST /admin/journal/export': {
    as: 'staff',
    fields: ['member', 'staff', 'event', 'from', 'to'],
    valid: () => ({
      member: '100001',
      staff: 'admin1',
      event: 'sign-in',
      from: '2024-01-01',
      to: '2030-12-31',
    }),
  },
  'GET /admin/equipe': { as: 'staff', query: ['u', 'fait'] },
  'POST /admin/equipe': {
    as: 'staff',
    fields: ['username', 'display_name', 'role', 'password'],
    valid: () => ({
      username: 'nouvel.agent',
      display_name: 'Nouvel Agent',
      role: 'agent',
      password: 'faible',
    }),
  },
  'GET /admin/equipe/:id/desactiver': adminTeam,
  'POST /admin/equipe/:id/desactiver': adminTeam,
  'GET /admin/equipe/:id/reactiver': adminTeam,
  'POST /admin/equipe/:id/reactiver': adminTeam,
  'GET /admin/equipe/:id/reinitialiser-2fa': adminTeam,
  'POST /admin/equipe/:id/reinitialiser-2fa': adminTeam,
  'GET /admin/reglages': { as: 'staff' },
};

const COOKIE_NAMES = [
  '__Host-sesame',
  '__Host-recovery',
  '__Host-sesame-staff',
  '__Host-lang',
  '__Host-csrf',
] as const;

interface RunInput {
  readonly fields: readonly (WireValue | null)[];
  readonly params: readonly (WireValue | null)[];
  readonly query: Readonly<Record<string, WireValue>>;
  readonly extra: readonly [string, WireValue] | null;
  readonly cookie: readonly [string, string] | null;
  readonly rightPicture: boolean;
}

/** One run's choices: which inputs are hostile, and with what. */
const runInput = (cover: Cover, params: readonly string[]): fc.Arbitrary<RunInput> =>
  fc.record({
    fields: fc.tuple(...(cover.fields ?? []).map(() => fc.option(hostileWireValue, { freq: 2 }))),
    params: fc.tuple(...params.map(() => fc.option(hostileWireValue, { freq: 2 }))),
    query: fc
      .tuple(
        fc.tuple(...(cover.query ?? []).map(() => fc.option(hostileWireValue, { freq: 2 }))),
        fc.dictionary(fc.constantFrom('lang', 'q', '_csrf', '__proto__', 'constructor'), hostileWireValue, {
          maxKeys: 2,
        }),
      )
      .map(([known, extra]) => {
        const q: Record<string, WireValue> = { ...extra };
        (cover.query ?? []).forEach((k, i) => {
          if (known[i] != null) q[k] = known[i]!;
        });
        return q;
      }),
    extra: fc.option(fc.tuple(hostileString, hostileWireValue), { freq: 3 }),
    cookie: fc.option(fc.tuple(fc.constantFrom(...COOKIE_NAMES), hostileString), { freq: 3 }),
    rightPicture: fc.boolean(),
  });

const sentText = (v: WireValue | null): string[] => (typeof v === 'string' ? [v] : []);

async function probe(
  t: TestApp,
  store: TestStore,
  ctx: Ctx,
  route: string,
  input: RunInput,
): Promise<Answer> {
  const cover = COVERAGE[route]!;
  const [method, pattern] = route.split(' ') as ['GET' | 'POST', string];
  const id = cover.as === 'flow' ? ctx.flow : ctx.ids[cover.as];
  const cookies = new Map(id.cookies);
  if (input.cookie) cookies.set(input.cookie[0], percentEncode(input.cookie[1]));
  const valid = cover.valid?.(ctx) ?? {};
  const names = paramNames(pattern);
  const params: Record<string, string> = {};
  names.forEach((n, i) => {
    const h = input.params[i];
    params[n] = h != null ? pathSegment(h) : encodeURIComponent(valid[n] ?? 'x');
  });
  const url = fillPattern(pattern, params) + queryString(input.query);
  const sent = [...input.fields.flatMap(sentText), ...Object.values(input.query).flatMap(sentText)];
  if (method === 'GET') return send(t.app, { method, url, cookies });

  const fields: Record<string, WireValue> = { _csrf: id.csrf };
  (cover.fields ?? []).forEach((f, i) => {
    const h = input.fields[i];
    if (h != null) fields[f] = h;
    else if (valid[f] !== undefined) fields[f] = valid[f];
  });
  if (cover.challengePage) {
    // Half the runs answer the picture right, so hostile values also reach the checks behind the anti-robot gate.
    const page = await send(t.app, { method: 'GET', url: cover.challengePage, cookies: id.cookies });
    if (input.rightPicture) Object.assign(fields, antiRobotAnswer(page.body, t.answerIndex));
  }
  if (input.extra) {
    fields[input.extra[0]] = input.extra[1];
    sent.push(...sentText(input.extra[1]));
  }
  const before = await rowCounts(store);
  const res = await send(t.app, { method, url, body: formBody(fields), cookies });
  assertSafeAnswer(res, `${route} → ${url.slice(0, 120)}`, { sent });
  if (res.status >= 400) await assertUnchanged(store, before, route);
  return res;
}

function paramNames(pattern: string): string[] {
  return [...pattern.matchAll(/:(\w+)|\*$/g)].map((m) => m[1] ?? '*');
}

function identityOf(b: Browser, csrf: string | undefined): Identity {
  assert.ok(csrf, 'no CSRF token on the page');
  return { cookies: new Map(b.cookies), csrf };
}

/** A recovery flow of `member` in `state`, with its browser binding (the code is read from the outbox row). */
async function newFlow(t: TestApp, store: TestStore, member: string, state: FlowState): Promise<Ctx['flow']> {
  const b = new Browser(t.app, '198.51.100.77');
  const page = await b.get('/mot-de-passe-oublie/numero');
  const started = await b.post('/mot-de-passe-oublie/numero', {
    member_number: member,
    ...antiRobotAnswer(page.body, t.answerIndex),
  });
  assert.equal(started.status, 303);
  const id = started.location!.split('/').pop()!;
  await b.follow();
  if (state !== 'choosing_channel') {
    assert.equal((await b.post(`/mot-de-passe-oublie/${id}/envoyer`, { channel: 'email' })).status, 303);
    await b.follow();
  }
  if (state === 'code_verified') {
    const row = await store.db
      .selectFrom('outbox')
      .select('payload')
      .where('template', '=', 'activation-code')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const code = String(JSON.parse(row.payload).code);
    assert.equal((await b.post(`/mot-de-passe-oublie/${id}/code`, { code })).status, 303);
    await b.follow();
  }
  return { id, ...identityOf(b, csrfOf(b.last!.body)) };
}

for (const d of DIALECTS) {
  // PostgreSQL repeats the form routes with fewer runs: it is there for the « database unchanged » checks.
  const runs = (method: string): number =>
    d.name === 'sqlite' ? (method === 'POST' ? 40 : 15) : method === 'POST' ? 12 : 4;

  describe(`hostile input on every route on ${d.name}`, () => {
    let store: TestStore;
    let t: TestApp;
    let skip: string | undefined;
    let ctx: Ctx;
    before(async () => {
      skip = await d.skip();
      if (skip) return;
      store = await d.open();
      t = await buildTestApp(store, { SESAME_CODES_PER_MEMBER_PER_DAY: '1000' });
      const now = t.clock.now();
      await seedMember(store, { number: '100001', password: GOOD_PASSWORD });
      await seedMember(store, { number: '100002' });
      await seedMember(store, { number: '100003', email: null, mobile: null });
      const target = await seedMember(store, { number: '100004', password: GOOD_PASSWORD });
      const letter = await store.db
        .insertInto('letters')
        .values(newLetterRow(target, 'member', now))
        .returning('id')
        .executeTakeFirstOrThrow();
      await seedStaff(store, 'admin1', 'admin', now);
      await seedStaff(store, 'guichet9', 'agent', now);
      await seedStaff(store, 'pending1', 'agent', now);
      const targetStaff = await seedStaff(store, 'cible1', 'agent', now);

      const anon = new Browser(t.app);
      await anon.get('/connexion');
      const member = new Browser(t.app);
      const signIn = await member.get('/connexion');
      const res = await member.post('/connexion', {
        member_number: '100001',
        password: GOOD_PASSWORD,
        ...antiRobotAnswer(signIn.body, t.answerIndex),
      });
      assert.equal(res.status, 303);
      await member.get('/espace/mot-de-passe');
      const staff = await signInStaff(t, 'admin1');
      await staff.get('/admin/equipe');
      const pending = new Browser(t.app, '198.51.100.30');
      assert.equal((await staffPasswordStep(pending, t, 'pending1')).status, 303);
      await pending.follow();
      ctx = {
        ids: {
          anon: identityOf(anon, csrfOf(anon.last!.body)),
          member: identityOf(member, csrfOf(member.last!.body)),
          staff: identityOf(staff, csrfOf(staff.last!.body)),
          staffPending: identityOf(pending, csrfOf(pending.last!.body)),
        },
        flow: { id: '', cookies: new Map(), csrf: '' },
        letterId: String(letter.id),
        targetStaffId: String(targetStaff.id),
      };
    });
    after(async () => {
      if (skip) return;
      await t.close();
      await store.dispose();
    });

    it('has a hostile-input entry for every route the server lists, and none for a route that is gone', async (c) => {
      if (skip) return c.skip(skip);
      const listed = listRoutes(t.app);
      const missing = listed.filter((r) => !(r in COVERAGE));
      const stale = Object.keys(COVERAGE).filter((r) => !listed.includes(r));
      assert.deepEqual(missing, [], `routes without hostile-input coverage: ${missing.join(', ')}`);
      assert.deepEqual(
        stale,
        [],
        `coverage entries for routes the server no longer has: ${stale.join(', ')}`,
      );
    });

    it('answers prototype names (__proto__, constructor…) in every query parameter and form field with a page', async (c) => {
      if (skip) return c.skip(skip);
      for (const [route, cover] of Object.entries(COVERAGE)) {
        if (cover.as === 'flow' || !listRoutes(t.app).includes(route)) continue;
        const [method, pattern] = route.split(' ') as ['GET' | 'POST', string];
        const names = [...(cover.query ?? []), ...(method === 'POST' ? (cover.fields ?? []) : [])];
        for (const name of names) {
          for (const key of PROTOTYPE_KEYS) {
            const isQuery = (cover.query ?? []).includes(name);
            const input: RunInput = {
              fields: (cover.fields ?? []).map((f) => (!isQuery && f === name ? key : null)),
              params: paramNames(pattern).map(() => null),
              query: isQuery ? { [name]: key } : {},
              extra: null,
              cookie: null,
              rightPicture: true,
            };
            const res = await probe(t, store, ctx, route, input);
            if (method === 'GET') assertSafeAnswer(res, `${route} ?${name}=${key}`);
          }
        }
      }
    });

    for (const route of Object.keys(COVERAGE)) {
      const [method, pattern] = route.split(' ') as [string, string];
      const numRuns = runs(method);
      if (numRuns === 0) continue;
      it(`answers hostile input on ${route} with a page, never an error, and writes nothing when refusing`, async (c) => {
        if (skip) return c.skip(skip);
        if (!listRoutes(t.app).includes(route)) return c.skip(`${route} is not served`);
        const cover = COVERAGE[route]!;
        if (cover.flowState)
          ctx.flow = await newFlow(t, store, cover.flowMember ?? '100002', cover.flowState);
        await checkProperty(
          fc.asyncProperty(runInput(cover, paramNames(pattern)), async (input) => {
            await probe(t, store, ctx, route, input);
          }),
          { numRuns },
        );
      });
    }
  });
}
