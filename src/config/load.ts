import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { type Config, SETTINGS } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Configuration invalide :\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates every setting at once and reports every problem together, so an operator fixes a broken
 * deployment in one pass. Unknown SESAME_* variables are errors: a typo must not silently fall back to a
 * default (SESAME_ANTI_ROBOTS=off would otherwise look applied).
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const problems: string[] = [];
  const known = new Set(SETTINGS.map((s) => s.env));
  for (const name of Object.keys(env)) {
    if (name.startsWith('SESAME_') && !known.has(name)) problems.push(`${name} : variable inconnue`);
  }
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const raw = env[s.env];
    const value = raw === undefined || raw === '' ? s.default : raw;
    const parsed = s.schema.safeParse(value);
    if (parsed.success) out[s.key] = parsed.data;
    else {
      const shown = s.secret ? '(valeur masquée)' : JSON.stringify(raw);
      problems.push(`${s.env}=${shown} : ${parsed.error.issues.map((i) => i.message).join(', ')}`);
    }
  }
  if (out.env === 'production' && !out.secret) problems.push('SESAME_SECRET : obligatoire en production');
  if (problems.length > 0) throw new ConfigError(problems);
  if (!out.publicUrl) out.publicUrl = `http://${out.host === '0.0.0.0' ? 'localhost' : out.host}:${out.port}`;
  return Object.freeze(out) as Config;
}

/** process.env overlaid on an optional .env file in the working directory (the environment wins). */
export function readEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  dotenvPath = '.env',
): Record<string, string | undefined> {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...env };
}

/** The README's configuration table, generated from the schema. */
export function configTableMarkdown(): string {
  const rows = SETTINGS.map(
    (s) =>
      `| \`${s.env}\` | ${s.type} | ${s.default === '' ? '—' : `\`${s.default.replace(/\|/g, '\\|')}\``} | ${s.description.replace(/\|/g, '\\|')} |`,
  );
  return ['| variable | type | default | description |', '|---|---|---|---|', ...rows].join('\n');
}
