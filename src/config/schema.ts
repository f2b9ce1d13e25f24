// One configuration schema for the whole service (STYLE.md §7). Every setting has a name, a type, a
// default and a one-line description; nothing outside src/config reads process.env. The README's
// configuration table is generated from SETTINGS (`npm run docs:config`) and a test fails when they drift.
import { z } from 'zod';
import { DEFAULT_MEMBER_NUMBER_PATTERN } from '../members/validate.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'attendu : true ou false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) =>
  z.coerce
    .number({ message: 'attendu : un nombre entier' })
    .int('attendu : un nombre entier')
    .min(min, `au moins ${min}`)
    .max(max, `au plus ${max}`);
const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      if (v === '') return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `attendu : une URL ${protocols.join(' ou ')}//…`,
  );
const regex = z.string().refine((v) => {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
}, 'expression régulière invalide');

export interface Setting {
  readonly env: string;
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
  readonly schema: z.ZodTypeAny;
  /** Never printed in logs or the back office's settings view. */
  readonly secret?: boolean;
}

function setting<K extends string, S extends z.ZodTypeAny>(
  key: K,
  env: string,
  schema: S,
  def: string,
  type: string,
  description: string,
  secret = false,
) {
  return { key, env, schema, default: def, type, description, secret } as const;
}

export const SETTINGS = [
  setting(
    'env',
    'SESAME_ENV',
    z.enum(['development', 'production', 'test']),
    'development',
    'development | production | test',
    'Deployment kind: production refuses demo members and requires SESAME_SECRET.',
  ),
  setting('host', 'HOST', z.string().min(1), '127.0.0.1', 'host', 'Address the HTTP server listens on.'),
  setting('port', 'PORT', int(0, 65535), '3000', 'integer', 'TCP port the HTTP server listens on.'),
  setting(
    'publicUrl',
    'SESAME_PUBLIC_URL',
    url(['http:', 'https:']),
    '',
    'URL',
    'Public address of the portal (Origin check, links in messages). Default: http://HOST:PORT.',
  ),
  setting(
    'dataDir',
    'SESAME_DATA_DIR',
    z.string().min(1),
    './data',
    'path',
    'Data directory: SQLite file, outbox folder, generated secret.',
  ),
  setting(
    'databaseUrl',
    'SESAME_DATABASE_URL',
    url(['postgres:', 'postgresql:']),
    '',
    'postgres:// URL',
    'PostgreSQL database; empty means the embedded SQLite file <data dir>/sesame.db.',
  ),
  setting(
    'redisUrl',
    'SESAME_REDIS_URL',
    url(['redis:', 'rediss:']),
    '',
    'redis:// URL',
    'Redis for shared counters and challenges across processes; empty means the database holds them.',
  ),
  setting(
    'secret',
    'SESAME_SECRET',
    z.string().refine((v) => v === '' || v.length >= 32, 'au moins 32 caractères'),
    '',
    'string (≥ 32 chars)',
    'Key for keyed hashes of codes and tokens. Required in production; generated under the data dir otherwise.',
    true,
  ),
  setting(
    'trustProxy',
    'SESAME_TRUST_PROXY',
    z.string(),
    '',
    'addresses',
    'Comma-separated proxy addresses whose X-Forwarded-* headers are trusted (e.g. 127.0.0.1). Empty: none.',
  ),
  setting(
    'logLevel',
    'SESAME_LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'info',
    'level',
    'Log level of the JSON logs (pino).',
  ),
  setting(
    'memberNumberPattern',
    'SESAME_MEMBER_NUMBER_PATTERN',
    regex,
    DEFAULT_MEMBER_NUMBER_PATTERN,
    'regex',
    'Format of a member number (« N° adhérent »).',
  ),
  setting(
    'antiRobot',
    'SESAME_ANTI_ROBOT',
    z.enum(['image', 'altcha', 'off']),
    'image',
    'image | altcha | off',
    'Anti-robot check: pictures plus proof-of-work alternative, proof-of-work only, or none (warns).',
  ),
  setting(
    'altchaMaxNumber',
    'SESAME_ALTCHA_MAX_NUMBER',
    int(1000, 10_000_000),
    '100000',
    'integer',
    'Proof-of-work difficulty (upper bound of the search space).',
  ),
  setting(
    'passwordPolicy',
    'SESAME_PASSWORD_POLICY',
    z.enum(['house', 'nist']),
    'house',
    'house | nist',
    "Password rules: the guide’s (12+ chars, 4 classes, no ' % \\ _) or NIST 800-63B-4 (15+ chars).",
  ),
  setting(
    'argon2MemoryKib',
    'SESAME_ARGON2_MEMORY_KIB',
    int(19456, 4_194_304),
    '19456',
    'integer',
    'Argon2id memory cost in KiB (OWASP minimum 19456).',
  ),
  setting(
    'argon2Iterations',
    'SESAME_ARGON2_ITERATIONS',
    int(2, 100),
    '2',
    'integer',
    'Argon2id time cost (OWASP minimum 2).',
  ),
  setting(
    'smtpUrl',
    'SESAME_SMTP_URL',
    url(['smtp:', 'smtps:']),
    '',
    'smtp:// URL',
    'SMTP server for e-mail; empty writes .eml files to <data dir>/outbox/.',
    true,
  ),
  setting(
    'mailFrom',
    'SESAME_MAIL_FROM',
    z.string().min(3),
    'Espace Adhérent <ne-pas-repondre@mutuelle.example>',
    'address',
    'Sender of e-mails.',
  ),
  setting(
    'mailReplyTo',
    'SESAME_MAIL_REPLY_TO',
    z.string(),
    '',
    'address',
    'Reply-To of e-mails (empty: none).',
  ),
  setting(
    'smsUrl',
    'SESAME_SMS_URL',
    url(['http:', 'https:']),
    '',
    'http(s):// URL',
    'HTTP SMS provider endpoint; empty writes .json files to <data dir>/outbox/.',
  ),
  setting(
    'smsToken',
    'SESAME_SMS_TOKEN',
    z.string(),
    '',
    'string',
    'Bearer token for the SMS provider.',
    true,
  ),
  setting(
    'smsSender',
    'SESAME_SMS_SENDER',
    z.string().max(11),
    'MUTUELLE',
    'string (≤ 11)',
    'Alphanumeric SMS sender name.',
  ),
  setting(
    'codesPerMemberPerDay',
    'SESAME_CODES_PER_MEMBER_PER_DAY',
    int(1, 1000),
    '5',
    'integer',
    'Activation codes sent to one member per 24 h.',
  ),
  setting(
    'codesPerIpPerDay',
    'SESAME_CODES_PER_IP_PER_DAY',
    int(1, 1_000_000),
    '20',
    'integer',
    'Activation codes requested from one IP address per 24 h.',
  ),
  setting(
    'codesPerDay',
    'SESAME_CODES_PER_DAY',
    int(1, 100_000_000),
    '50000',
    'integer',
    'Activation codes sent in total per 24 h (SMS-pumping brake).',
  ),
  setting(
    'signInsPerIpPerMinute',
    'SESAME_SIGN_INS_PER_IP_PER_MINUTE',
    int(1, 1_000_000),
    '60',
    'integer',
    'Sign-in and recovery-start attempts from one IP address per minute.',
  ),
  setting(
    'letterForAll',
    'SESAME_LETTER_FOR_ALL',
    bool,
    'false',
    'boolean',
    'Offer the postal letter to every member, not only those with no e-mail and no mobile.',
  ),
  setting(
    'letterIntervalDays',
    'SESAME_LETTER_INTERVAL_DAYS',
    int(1, 365),
    '30',
    'integer',
    'At most one letter per member in this many days.',
  ),
  setting(
    'insurerName',
    'SESAME_INSURER_NAME',
    z.string().min(1).max(38),
    'Mutuelle des agents publics',
    'string',
    'Insurer name on pages and letters.',
  ),
  setting(
    'insurerAddress',
    'SESAME_INSURER_ADDRESS',
    z.string().min(1),
    'Service Adhérents|12 rue de la République|75011 PARIS',
    'lines separated by |',
    'Sender block of the letters.',
  ),
  setting(
    'insurerCity',
    'SESAME_INSURER_CITY',
    z.string().min(1),
    'Paris',
    'string',
    'Place written before the date on letters.',
  ),
  setting(
    'insurerPhone',
    'SESAME_INSURER_PHONE',
    z.string(),
    '09 69 00 00 00',
    'string',
    'Member service phone number shown in letters and advice.',
  ),
  setting(
    'insurerLogo',
    'SESAME_INSURER_LOGO',
    z.string(),
    '',
    'path',
    'PNG or JPEG logo printed on letters (empty: the name only).',
  ),
  setting(
    'metricsToken',
    'SESAME_METRICS_TOKEN',
    z.string(),
    '',
    'string',
    'Bearer token required on /metrics; empty: /metrics only answers loopback clients.',
    true,
  ),
  setting(
    'auditRetentionDays',
    'SESAME_AUDIT_RETENTION_DAYS',
    int(1, 3650),
    '400',
    'integer',
    'Audit events older than this are purged.',
  ),
  setting(
    'outboxPollMs',
    'SESAME_OUTBOX_POLL_MS',
    int(50, 60_000),
    '500',
    'integer',
    'How often the delivery worker looks for messages to send.',
  ),
] as const;

type SettingDef = (typeof SETTINGS)[number];
export type Config = {
  readonly [S in SettingDef as S['key']]: z.output<S['schema']>;
};
