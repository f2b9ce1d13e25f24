// Hostile input for the hardening suites (issue 8): fast-check generators of the values an attacker or a
// broken client sends, a raw-bytes form encoder (lone surrogates and invalid UTF-8 reach the server as
// bytes, not as replacement characters), the route list read from the server itself, and the checks every
// answer must pass: never a 5xx, never a stack trace, a French page, nothing written when refused.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { ERRORS, type ErrorCode } from '../../src/errors.js';
import { errorMessage } from '../../src/i18n/errors.js';
import type { Store } from '../../src/store/db.js';

const SQL = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  '1; DROP TABLE members; --',
  "' UNION SELECT password_hash, NULL FROM credentials --",
  "123456' AND (SELECT 1 FROM pg_sleep(0))='1",
  "123456') OR ('a'='a",
  "%' AND 1=1 AND '%'='",
  '\\',
  '_%',
  "'; COMMIT; DELETE FROM sessions; --",
  '1e309',
  '-1',
  '0x7fffffffffffffff',
  'NaN',
  '[object Object]',
  '__proto__',
  'constructor',
];
const HTML = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>",
  'javascript:alert(1)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  '{{7*7}}${7*7}<%= 7*7 %>',
  '</title><script src=//evil.example/x.js></script>',
  '&lt;&#x3C;&amp;',
  '<a href="//evil.example" style="color:red">x</a>',
];
const CONTROL = [
  '\u0000',
  '123456\u0000',
  '\r\nSet-Cookie: __Host-sesame=planted',
  '\r\n\r\n<h1>injected</h1>',
  '\u2028\u2029',
  '\u202e\u2066', // bidi overrides
  '\ufeff\u200b\u200d', // BOM, zero-width
  '\t\v\f',
  '../../../../etc/passwd',
  '..%2f..%2fpackage.json',
];
// Look-alikes of digits and Latin letters: a « 123456 » that is not ASCII must never pass as a member number.
const CONFUSABLES = [
  '１２３４５６', // fullwidth
  '١٢٣٤٥٦', // Arabic-Indic
  '𝟏𝟐𝟑𝟒𝟓𝟔', // mathematical bold
  '¹²³⁴⁵⁶',
  '12345６',
  'аdmin', // Cyrillic а
  'ΑΒΟ', // Greek capitals
  'Ⅻ',
  'ﬁ',
  'İı',
];
const COMBINING = ['\u0301', '\u0327', '\u0308', '\u20dd', '\u0336', '\u034f', '\u1ab0', '\u0489'];

const combined: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('e', 'a', '1', 'É', 'z'),
    fc.array(fc.constantFrom(...COMBINING), { minLength: 1, maxLength: 40 }),
  )
  .map(([base, marks]) => base + marks.join(''));
const loneSurrogates: fc.Arbitrary<string> = fc
  .array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 3 })
  .map((units) => String.fromCharCode(...units));
const oversized: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('A', '9', 'é', "'", '𝟏', '<'), fc.integer({ min: 65, max: 9000 }))
  .map(([c, n]) => c.repeat(n));
const digits: fc.Arbitrary<string> = fc.stringMatching(/^ ?[0-9]{1,12} ?$/);

/** One fragment of hostile text. */
export const hostileFragment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL),
  fc.constantFrom(...HTML),
  fc.constantFrom(...CONTROL),
  fc.constantFrom(...CONFUSABLES),
  combined,
  loneSurrogates,
  oversized,
  digits,
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constant(''),
);

// Names every plain object inherits: a lookup `table[value]` without hasOwn finds a function there.
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'prototype',
];

/** A hostile value: one to three fragments glued together (« 123456 » followed by a NUL, and so on). */
export const hostileString: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
    {
      weight: 8,
      arbitrary: fc.array(hostileFragment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
    },
  )
  .filter((s) => s !== 'en'); // ?lang=en is a legitimate English page, not hostile input

/** Bytes that are not UTF-8 at all: a stray continuation byte, an overlong « / », a CESU surrogate, 0xFF. */
export const invalidUtf8: fc.Arbitrary<Buffer> = fc
  .constantFrom(
    [0xff],
    [0x80],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0xfe, 0xff],
    [0xe2, 0x82],
  )
  .map((b) => Buffer.from(b));

/** A field value as sent: text (percent-encoded as WTF-8, so lone surrogates stay invalid) or raw bytes. */
export type WireValue = string | { readonly raw: Buffer; readonly percent: boolean };

export const hostileWireValue: fc.Arbitrary<WireValue> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  {
    weight: 1,
    arbitrary: fc.tuple(invalidUtf8, fc.boolean(), digits).map(([raw, percent, d]) => ({
      raw: Buffer.concat([Buffer.from(d), raw]),
      percent,
    })),
  },
);

/** Percent-encodes text byte for byte; a lone surrogate becomes its 3-byte WTF-8 form, which is invalid UTF-8. */
export function percentEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

function encodeWire(v: WireValue): Buffer {
  if (typeof v === 'string') return Buffer.from(percentEncode(v));
  if (!v.percent) return v.raw;
  return Buffer.from([...v.raw].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''));
}

/** An application/x-www-form-urlencoded body, byte for byte. */
export function formBody(fields: Readonly<Record<string, WireValue>>): Buffer {
  const parts = Object.entries(fields).map(([k, v]) =>
    Buffer.concat([Buffer.from(`${percentEncode(k)}=`), encodeWire(v)]),
  );
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from('&'), p])));
}

/** A query string from hostile values. */
export function queryString(params: Readonly<Record<string, WireValue>>): string {
  const body = formBody(params).toString('latin1');
  return body ? `?${body}` : '';
}

/** A path segment: hostile text percent-encoded (a « / » inside stays encoded). */
export function pathSegment(v: WireValue): string {
  return encodeWire(v).toString('latin1') || '%20';
}

/**
 * The routes the server itself lists, as "METHOD /pattern" (HEAD left out: Fastify adds it to every GET).
 * Read from the per-method radix tree of printRoutes, whose segments are prefixes to concatenate.
 */
export function listRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
    const stack: string[] = [];
    for (const line of app.printRoutes({ method }).split('\n')) {
      const m = /^([│ ]*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
      if (!m) continue;
      const depth = m[1]!.length / 4;
      stack.length = depth;
      stack.push(m[2]!);
      if (m[3]) out.push(`${method} ${stack.join('')}`);
    }
  }
  return [...new Set(out)].sort();
}

/** Tables whose row counts must not move when a request is refused. */
export const WATCHED_TABLES = [
  'members',
  'credentials',
  'sessions',
  'recovery_flows',
  'letters',
  'letter_batches',
  'outbox',
  'staff',
] as const;

export type RowCounts = Readonly<Record<(typeof WATCHED_TABLES)[number], number>>;

export async function rowCounts(store: Store): Promise<RowCounts> {
  const counts: Record<string, number> = {};
  for (const table of WATCHED_TABLES) {
    const r = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(r.n);
  }
  return counts as RowCounts;
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
}

/** Sends one request through inject (no port), cookies given explicitly; nothing is remembered. */
export async function send(
  app: FastifyInstance,
  req: {
    method: 'GET' | 'POST';
    url: string;
    body?: Buffer | string;
    cookies?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
    headers?: Readonly<Record<string, string>>;
    ip?: string;
  },
): Promise<Answer> {
  const jar = req.cookies instanceof Map ? [...req.cookies] : Object.entries(req.cookies ?? {});
  const headers: Record<string, string> = {
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
    ...(jar.length ? { cookie: jar.map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
    ...(req.method === 'POST'
      ? { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000' }
      : {}),
    ...req.headers,
  };
  const res = await app.inject({
    method: req.method,
    url: req.url,
    headers,
    remoteAddress: req.ip ?? '203.0.113.50',
    ...(req.body !== undefined ? { payload: req.body } : {}),
  });
  return { status: res.statusCode, headers: res.headers, body: res.body };
}

// What leaks when an error escapes: a stack frame, a file path, an exception name, a database message.
const LEAKS = [
  /\bat (?:async )?[\w$.<>]+ \(/,
  /node:internal/,
  /node_modules/,
  /\/src\/[\w/-]+\.tsx?/,
  /\bError:/,
  /\b(?:TypeError|RangeError|SyntaxError|ReferenceError)\b/,
  /SQLITE_\w+/,
  /syntax error at or near/i,
  /\bFST_\w+/,
  /ECONNREFUSED/,
];

const FRENCH_MESSAGES = (Object.keys(ERRORS) as ErrorCode[]).map((code) =>
  errorMessage('fr', code, {})
    .split(/\{|\s{2}/)[0]!
    .slice(0, 40),
);

/** The visible text of a page (tags out, entities of quotes and ampersands back). */
export function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/**
 * The checks every answer to hostile input must pass: a 2xx, 3xx or 4xx; no trace of an internal error;
 * an HTML page in French, with a registry message or an alert when it refuses; no sent markup echoed raw.
 */
export function assertSafeAnswer(
  res: Answer,
  what: string,
  opts: { readonly sent?: readonly string[]; readonly unavailable?: boolean } = {},
): void {
  const sent = opts.sent ?? [];
  // 503 is the one 5xx allowed, and only where a test takes a dependency away on purpose.
  const ok = (res.status >= 200 && res.status < 500) || (opts.unavailable === true && res.status === 503);
  assert.ok(ok, `${what}: status ${res.status}\n${res.body.slice(0, 600)}`);
  assertNoLeak(res.body, `${what} (${res.status})`);
  const type = String(res.headers['content-type'] ?? '');
  if (type.startsWith('text/html')) {
    assert.match(res.body, /<html lang="fr"/, `${what}: not a French page`);
    if (res.status >= 400) {
      const text = visibleText(res.body);
      const explained = FRENCH_MESSAGES.some((m) => text.includes(m)) || /role="alert"/.test(res.body);
      assert.ok(explained, `${what}: ${res.status} without a clear French message`);
    }
    // Inside a double-quoted attribute « < » is inert (HTML §13.2.5.36); anywhere else it would be markup.
    const outsideAttributes = res.body.replace(/="[^"]*"/g, '=""');
    for (const s of sent) {
      if (s.length >= 4 && /<[a-z/!]/i.test(s)) {
        assert.ok(!outsideAttributes.includes(s), `${what}: markup echoed unescaped`);
      }
    }
  }
}

/** Asserts that the watched tables kept their row counts. */
export async function assertUnchanged(store: Store, before: RowCounts, what: string): Promise<void> {
  assert.deepEqual(
    await rowCounts(store),
    before,
    `${what}: the database changed although the request was refused`,
  );
}

/** The path of a route pattern with its parameters filled in. */
export function fillPattern(pattern: string, values: Readonly<Record<string, string>>): string {
  return pattern.replace(/:(\w+)|\*$/g, (_, name: string | undefined) => {
    const v = values[name ?? '*'];
    if (v === undefined) throw new Error(`no value for ${name ?? '*'} in ${pattern}`);
    return v;
  });
}

/**
 * fc.assert with a readable failure: the test report shows the real cause (status, page excerpt) and a
 * shortened counterexample, instead of fast-check's full dump of a 9,000-character value.
 */
export async function checkProperty<T>(
  property: fc.IAsyncProperty<T>,
  params: fc.Parameters<T> = {},
): Promise<void> {
  const details = await fc.check(property, { endOnFailure: true, ...params });
  if (!details.failed) return;
  const cause =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const example = fc
    .stringify(details.counterexample)
    .replace(/(.)\1{40,}/gu, (run, c: string) => `${c}…×${run.length}`);
  assert.fail(`${cause}\n  counterexample (seed ${details.seed}): ${example.slice(0, 800)}`);
}

export interface CliOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The environment of a `sesame` child: the caller's, minus every SESAME_* setting, plus `env`. */
export function cliEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SESAME_')) out[k] = v;
  return {
    ...out,
    SESAME_SECRET: 'cli-test-secret-0123456789abcdefghijkl',
    SESAME_LOG_LEVEL: 'silent',
    ...env,
  };
}

/** Starts `sesame ARGS` as an operator would (through tsx, from the repository root). */
export function spawnSesame(args: readonly string[], env: Readonly<Record<string, string>>): ChildProcess {
  const script = `import('./src/cli/index.ts').then((m) => m.main(['node', 'sesame', ...${JSON.stringify(args)}]))`;
  return spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, env: cliEnv(env) });
}

/** Runs `sesame ARGS` to its end and collects what it printed; killed after `timeoutMs` (a hang is a failure). */
export function runSesame(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs = 60_000,
): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawnSesame(args, env);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => clearTimeout(timer));
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A failed command: non-zero exit, a French line on stderr, no stack trace or internal name anywhere. */
export function assertCleanFailure(out: CliOutcome, what: string, expected: RegExp): void {
  assert.ok(out.code !== 0 && out.code !== null, `${what}: exit ${out.code} (${out.stderr.slice(0, 300)})`);
  assert.match(out.stderr, expected, `${what}: unexpected message: ${out.stderr.slice(0, 400)}`);
  assertNoLeak(`${out.stdout}\n${out.stderr}`, what);
}

/** No stack frame, file path or exception name in a text shown to a person. */
export function assertNoLeak(text: string, what: string): void {
  for (const leak of LEAKS) {
    const found = leak.exec(text);
    if (found)
      assert.fail(
        `${what}: internal detail: …${text.slice(Math.max(0, found.index - 150), found.index + 150)}…`,
      );
  }
}
