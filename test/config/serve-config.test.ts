import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/** Runs `sesame ARGS` from the sources in a child process with exactly `env` (plus PATH). */
function sesame(args: string[], env: Record<string, string>) {
  return spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('./src/cli/index.ts').then((m) => m.main(['node', 'sesame', ...${JSON.stringify(args)}]))`,
    ],
    { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 },
  );
}

describe('sesame serve with a bad configuration', () => {
  it('stops before listening, naming every bad setting, with exit status 2 and no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-cfg-'));
    try {
      const r = sesame(['serve'], {
        SESAME_DATA_DIR: dir,
        PORT: 'abc',
        SESAME_ANTI_ROBOT: 'maybe',
        SESAME_SMTP_URLL: 'x',
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /Configuration invalide/);
      assert.match(r.stderr, /PORT="abc"/);
      assert.match(r.stderr, /SESAME_ANTI_ROBOT="maybe"/);
      assert.match(r.stderr, /SESAME_SMTP_URLL : variable inconnue/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says clearly when the database cannot be reached, and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-cfg-'));
    try {
      const r = sesame(['db', 'migrate'], {
        SESAME_DATA_DIR: dir,
        SESAME_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /Base de données injoignable/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains usage errors in French', () => {
    const r = sesame(['members', 'show'], {});
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Erreur : argument obligatoire manquant : number/);
  });
});
