import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { recordAudit } from '../../src/audit/audit.js';
import { DAY } from '../../src/platform/clock.js';
import { migrate, openStore } from '../../src/store/db.js';

const ROOT = new URL('../../', import.meta.url).pathname;
// Only this part's commands, as `sesame` registers them (src/cli/index.ts), so that the test runs them alone.
const RUN = [
  "const { Command } = await import('commander');",
  "const { registerStaffCommands } = await import('./src/cli/staff.ts');",
  "const { registerAuditCommands } = await import('./src/cli/audit.ts');",
  'const program = new Command().exitOverride();',
  'registerStaffCommands(program);',
  'registerAuditCommands(program);',
  "try { await program.parseAsync(['node', 'sesame', ...process.argv.slice(1)]); }",
  "catch (e) { process.stderr.write(String(e.message) + '\\n'); process.exitCode = 1; }",
].join('\n');

function sesame(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', RUN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(stdin);
  });
}

describe('sesame staff and audit commands', () => {
  let dir: string;
  let env: Record<string, string>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-cli-'));
    env = { SESAME_DATA_DIR: dir, SESAME_DATABASE_URL: '', SESAME_ENV: 'test', SESAME_LOG_LEVEL: 'silent' };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the first admin with the password read from standard input', async () => {
    const res = await sesame(
      ['staff', 'create', '--username', 'Admin1', '--name', 'Alice Admin', '--role', 'admin'],
      env,
      'Guichet-Tournesol-2024!\n',
    );
    assert.equal(res.code, 0, res.err);
    assert.match(res.out, /Compte créé : admin1 \(Administrateur\)/);
    assert.doesNotMatch(res.out + res.err, /Guichet-Tournesol/);
    const list = await sesame(['staff', 'list'], env);
    assert.match(list.out, /admin1\tAlice Admin\tAdministrateur\tactif/);
  });

  it('refuses a weak password and says which rules failed', async () => {
    const res = await sesame(
      ['staff', 'create', '--username', 'bob', '--name', 'Bob', '--role', 'agent'],
      env,
      'motdepasse\n',
    );
    assert.equal(res.code, 1);
    assert.match(res.err, /ne respecte pas les règles/);
    assert.match(res.err, /Au moins 12 caractères/);
    const list = await sesame(['staff', 'list'], env);
    assert.doesNotMatch(list.out, /bob/);
  });

  it('exports the audit log to a file that a CSV parser reads, then purges old events', async () => {
    const store = openStore({ databaseUrl: '', dataDir: dir });
    await migrate(store);
    await recordAudit(
      store.db,
      { event: 'sign-in', outcome: 'failure', actor: 'member:1', userAgent: '@evil()' },
      Date.now(),
    );
    await recordAudit(
      store.db,
      { event: 'sign-in', outcome: 'success', actor: 'member:1' },
      Date.now() - 900 * DAY,
    );
    await store.close();
    const file = join(dir, 'audit.csv');
    const res = await sesame(['audit', 'export', '--out', file], env);
    assert.equal(res.code, 0, res.err);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const rows = parse(readFileSync(file), { bom: true, delimiter: ';', columns: true }) as Record<
      string,
      string
    >[];
    assert.ok(rows.some((r) => r.user_agent === "'@evil()"));
    assert.ok(
      rows.some((r) => r.event === 'staff-created'),
      'the CLI creation was audited',
    );
    const bad = await sesame(['audit', 'export', '--from', '2026-02-31'], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /date invalide/);
    const purge = await sesame(['audit', 'purge'], env);
    assert.equal(purge.code, 0, purge.err);
    assert.match(purge.out, /^1 événement\(s\) de plus de 400 jours supprimé\(s\)/);
  });
});
