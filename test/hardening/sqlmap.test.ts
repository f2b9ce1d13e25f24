// An outside scanner (issue 8): Debian's sqlmap against the real server on loopback, with the anti-robot
// check off (SESAME_ANTI_ROBOT=off exists for closed test environments like this one). It scans the
// member sign-in, the recovery start, the code step of a recovery flow, the staff sign-in and the staff
// member search, with the CSRF token fetched before each request, and must find nothing injectable.
// Bounds: level 1, risk 1, boolean/error/UNION techniques (no time-based ones), 5 s timeout, no retries.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findStaffByUsername } from '../../src/admin/staff.js';
import { generateTotpCode, openTotpSecret } from '../../src/admin/totp.js';
import { STAFF_PASSWORD } from '../admin/fixtures.js';
import { seedStaff } from '../admin/helpers.js';
import { csrfOf } from '../helpers/app.js';
import { type LiveServer, startLiveServer } from '../helpers/browser.js';

function sqlmapSkipReason(): string | undefined {
  if (spawnSync('sqlmap', ['--version'], { encoding: 'utf8' }).status === 0) return undefined;
  if (process.env.CI === 'true') throw new Error('sqlmap is required under CI (apt-get install sqlmap)');
  const notice = 'sqlmap not installed: scanner test skipped (apt-get install sqlmap)';
  console.warn(`NOTICE: ${notice}`);
  return notice;
}

/** A cookie jar over fetch, for setting up flows and sessions the way a browser would. */
class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async request(
    path: string,
    form?: Record<string, string>,
  ): Promise<{ status: number; body: string; location: string }> {
    const res = await fetch(this.base + path, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: this.header(),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: this.base } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return { status: res.status, body: await res.text(), location: res.headers.get('location') ?? '' };
  }
  /** GETs `page` for its CSRF token, then posts `form` to `action`. */
  async submit(page: string, action: string, form: Record<string, string>) {
    const token = csrfOf((await this.request(page)).body);
    assert.ok(token, `no CSRF token on ${page}`);
    return this.request(action, { _csrf: token, ...form });
  }
}

interface Scan {
  readonly name: string;
  readonly url: string;
  readonly data?: string;
  readonly params: string;
  readonly csrfUrl?: string;
  readonly cookie?: string;
}

/** Runs sqlmap on one target; resolves with its whole output. Killed past two minutes. */
function runSqlmap(scan: Scan, outDir: string): Promise<{ code: number | null; output: string }> {
  const args = [
    '-u',
    scan.url,
    ...(scan.data ? ['--data', scan.data] : []),
    '-p',
    scan.params,
    ...(scan.csrfUrl ? ['--csrf-token=_csrf', `--csrf-url=${scan.csrfUrl}`] : []),
    ...(scan.cookie ? ['--cookie', scan.cookie] : []),
    '--batch',
    '--level=1',
    '--risk=1',
    '--technique=BEU',
    '--timeout=5',
    '--retries=0',
    '--flush-session',
    '--disable-coloring',
    // Refusals are this service's normal answers to hostile input; sqlmap must keep comparing them.
    '--ignore-code=400,401,403,404,409,429',
    `--output-dir=${outDir}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('sqlmap', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function assertNothingInjectable(name: string, output: string): void {
  // The lines sqlmap prints when it finds something; any of them is a failure.
  for (const finding of [
    /is vulnerable/i,
    /appears to be '.+' injectable/i,
    /identified the following injection point/i,
    /might be injectable/i,
    /sqlmap resumed the following injection point/i,
  ]) {
    assert.doesNotMatch(output, finding, `${name}: sqlmap found something:\n${output.slice(-3000)}`);
  }
  assert.match(
    output,
    /all tested parameters do not appear to be injectable/,
    `${name}: the scan did not complete:\n${output.slice(-3000)}`,
  );
}

describe('sqlmap against the forms on loopback', () => {
  let skip: string | undefined;
  let live: LiveServer;
  let outDir: string;
  const scans: Scan[] = [];
  before(async () => {
    skip = sqlmapSkipReason();
    if (skip) return;
    outDir = mkdtempSync(join(tmpdir(), 'sesame-sqlmap-'));
    live = await startLiveServer({
      SESAME_ANTI_ROBOT: 'off',
      SESAME_SIGN_INS_PER_IP_PER_MINUTE: '1000000',
      SESAME_CODES_PER_IP_PER_DAY: '1000000',
      SESAME_CODES_PER_MEMBER_PER_DAY: '1000',
    });
    const u = live.url;
    // A recovery flow waiting for its code, bound to this client's cookie.
    const member = new Client(u);
    const started = await member.submit('/mot-de-passe-oublie/numero', '/mot-de-passe-oublie/numero', {
      member_number: '100001',
    });
    assert.equal(started.status, 303);
    const flow = started.location;
    assert.equal((await member.submit(flow, `${flow}/envoyer`, { channel: 'email' })).status, 303);
    // A staff member signed in with both factors, for the member search.
    const store = live.server.services.store;
    await seedStaff(store, 'scanner', 'agent', live.clock.now());
    const staff = new Client(u);
    assert.equal(
      (
        await staff.submit('/admin/connexion', '/admin/connexion', {
          username: 'scanner',
          password: STAFF_PASSWORD,
        })
      ).status,
      303,
    );
    await staff.request('/admin/connexion/code');
    const row = await findStaffByUsername(store.db, 'scanner');
    const secret = openTotpSecret(live.server.services.hasher, row!.totp_secret!);
    const code = generateTotpCode(secret!, live.clock.now());
    assert.equal(
      (await staff.submit('/admin/connexion/code', '/admin/connexion/code', { code })).status,
      303,
    );
    assert.equal(
      (await staff.request('/admin/adherents?q=martin')).status,
      200,
      'the scanner reaches the search',
    );

    scans.push(
      {
        name: 'member sign-in',
        url: `${u}/connexion`,
        data: '_csrf=x&member_number=10000001&password=secret',
        params: 'member_number,password',
        csrfUrl: `${u}/connexion`,
      },
      {
        name: 'recovery start',
        url: `${u}/mot-de-passe-oublie/numero`,
        data: '_csrf=x&member_number=10000002',
        params: 'member_number',
        csrfUrl: `${u}/mot-de-passe-oublie/numero`,
      },
      {
        name: 'recovery code step',
        url: `${u}${flow}/code`,
        data: '_csrf=x&code=123456',
        params: 'code',
        csrfUrl: `${u}${flow}`,
        cookie: member.header(),
      },
      {
        name: 'staff sign-in',
        url: `${u}/admin/connexion`,
        data: '_csrf=x&username=agent&password=secret',
        params: 'username,password',
        csrfUrl: `${u}/admin/connexion`,
      },
      {
        name: 'staff member search',
        url: `${u}/admin/adherents?q=martin&page=1`,
        params: 'q,page',
        cookie: staff.header(),
      },
    );
  });
  after(async () => {
    if (skip) return;
    await live.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  for (const name of [
    'member sign-in',
    'recovery start',
    'recovery code step',
    'staff sign-in',
    'staff member search',
  ]) {
    it(`finds nothing injectable in the ${name}`, async (t) => {
      if (skip) return t.skip(skip);
      const scan = scans.find((s) => s.name === name)!;
      const { output } = await runSqlmap(scan, outDir);
      for (const p of scan.params.split(',')) {
        assert.match(
          output,
          new RegExp(`testing for SQL injection on (GET|POST) parameter '${p}'`),
          `${name}: ${p} not tested`,
        );
      }
      assertNothingInjectable(name, output);
    });
  }
});
