import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, configTableMarkdown, loadConfig } from '../../src/config/index.js';
import { SETTINGS } from '../../src/config/schema.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return [...e.problems];
  }
  return [];
}

describe('configuration', () => {
  it('starts on defaults with nothing set', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.dataDir, './data');
    assert.equal(c.antiRobot, 'image');
    assert.equal(c.publicUrl, 'http://127.0.0.1:3000');
    assert.ok(Object.isFrozen(c));
  });

  it('reports every invalid value and every unknown SESAME_ variable at once', () => {
    const p = problems({
      PORT: 'abc',
      SESAME_ANTI_ROBOT: 'maybe',
      SESAME_DATABASE_URL: 'mysql://x',
      SESAME_ANTI_ROBOTS: 'off',
      SESAME_MEMBER_NUMBER_PATTERN: '([',
    });
    assert.equal(p.length, 5, p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('PORT=')));
    assert.ok(p.some((x) => x.startsWith('SESAME_ANTI_ROBOT=')));
    assert.ok(p.some((x) => x.startsWith('SESAME_DATABASE_URL=')));
    assert.ok(p.some((x) => x.startsWith('SESAME_ANTI_ROBOTS : variable inconnue')));
    assert.ok(p.some((x) => x.startsWith('SESAME_MEMBER_NUMBER_PATTERN=')));
  });

  it('requires a secret in production and never prints a secret value', () => {
    assert.deepEqual(problems({ SESAME_ENV: 'production' }), ['SESAME_SECRET : obligatoire en production']);
    const p = problems({ SESAME_SECRET: 'short-but-secret' });
    assert.equal(p.length, 1);
    assert.doesNotMatch(p[0]!, /short-but-secret/);
  });

  it('refuses Argon2id parameters below the OWASP minimum', () => {
    assert.equal(problems({ SESAME_ARGON2_MEMORY_KIB: '1024' }).length, 1);
  });

  it('keeps the README configuration table in step with the schema', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.ok(readme.includes(configTableMarkdown()), 'README table out of date: run `npm run docs:config`');
    for (const s of SETTINGS) assert.ok(readme.includes(`\`${s.env}\``));
  });
});
