// Prints the bench's figures against the targets of issue 7 and keeps bench/RESULTS.md up to date: each
// database (SQLite, PostgreSQL) has its own section between markers, replaced by the latest run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { StoreShare } from './capacity.js';
import type { Machine } from './setup.js';

export interface Figures {
  readonly machine: Machine;
  /** Load average when the run ended (other tenants of a shared machine show here). */
  readonly loadAtEnd: string;
  readonly database: string;
  readonly members: number;
  readonly rounds: number;
  readonly seconds: number;
  readonly connections: number;
  readonly threads: number;
  readonly argon: number;
  /** CPU time of one raw verification (all threads), ms. */
  readonly argonCpuMs: number;
  readonly signIn: number;
  readonly ratio: number;
  readonly ratios: readonly number[];
  readonly signInCpuMs: number;
  readonly signInMainCpuMs: number;
  readonly shares: readonly StoreShare[];
  readonly latency: readonly { share: number; rate: number; achieved: number; p50: number; p99: number }[];
  readonly pages: number;
  readonly pageCpuMs: number;
  readonly recoveries: number;
  readonly recoveryCpuMs: number;
  readonly codes: number;
  readonly codeCpuMs: number;
  readonly rssStart: number;
  readonly rssIdle: number;
  readonly rssAfter: number;
  readonly rssSignIn: number;
  readonly rssPeak: number;
  readonly errors: number;
}

interface Row {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  readonly met: boolean | undefined;
}

const f1 = (n: number): string => n.toFixed(1);

function rows(f: Figures): Row[] {
  const half = f.latency.find((l) => l.share === 0.5);
  const out: Row[] = [
    { figure: 'Argon2id verify/s, raw (ceiling)', value: f1(f.argon), target: '—', met: undefined },
    { figure: 'Sign-in POST/s (pictures checked)', value: f1(f.signIn), target: '—', met: undefined },
    {
      figure: 'Sign-in ÷ Argon2id',
      value: `${f.ratio.toFixed(2)} (rounds ${f.ratios.map((r) => r.toFixed(2)).join(', ')})`,
      target: '≥ 0.85',
      met: f.ratio >= 0.85,
    },
  ];
  for (const l of f.latency) {
    out.push({
      figure: `Latency at ${l.share * 100} % of peak (${l.rate}/s asked, ${f1(l.achieved)}/s done)`,
      value: `p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms`,
      target: l === half ? 'p99 ≤ 60 ms' : '—',
      met: l === half ? l.p99 <= 60 : undefined,
    });
  }
  out.push(
    {
      figure: 'Sign-in page views/s (HTML + 6 pictures)',
      value: `${f1(f.pages)} (${(f.pages / f.signIn).toFixed(2)} × sign-ins)`,
      target: '≥ 2 × sign-ins',
      met: f.pages >= 2 * f.signIn,
    },
    {
      figure: 'Server CPU per sign-in (all threads) − raw Argon2id CPU per verify',
      value: `${f.signInCpuMs.toFixed(2)} ms − ${f.argonCpuMs.toFixed(2)} ms = ${(f.signInCpuMs - f.argonCpuMs).toFixed(2)} ms`,
      target: '—',
      met: undefined,
    },
    {
      figure: 'Server CPU per sign-in on the main thread (event loop)',
      value: `${f.signInMainCpuMs.toFixed(2)} ms`,
      target: '—',
      met: undefined,
    },
    {
      figure: 'Server CPU per page view ÷ per sign-in',
      value: `${f.pageCpuMs.toFixed(2)} ms ÷ ${f.signInCpuMs.toFixed(2)} ms = ${(f.pageCpuMs / f.signInCpuMs).toFixed(2)}`,
      target: '< 0.5',
      met: f.pageCpuMs / f.signInCpuMs < 0.5,
    },
    {
      figure: 'Recovery starts/s (number → code in the outbox)',
      value: `${f1(f.recoveries)} (${f.recoveryCpuMs.toFixed(2)} ms CPU each)`,
      target: '≥ 500',
      met: f.recoveries >= 500,
    },
    {
      figure: 'Code checks/s (wrong code, page re-rendered)',
      value: `${f1(f.codes)} (${f.codeCpuMs.toFixed(2)} ms CPU each)`,
      target: '≥ 1,000',
      met: f.codes >= 1000,
    },
    {
      figure: 'RSS idle (settled after start; right after start)',
      value: `${f1(f.rssIdle)} MiB (${f1(f.rssStart)} MiB)`,
      target: '≤ 150 MB',
      met: f.rssIdle * 1.048576 <= 150,
    },
    {
      figure: 'RSS under sign-in load (peak)',
      value: `${f1(f.rssSignIn)} MiB`,
      target: '≤ 350 MB',
      met: f.rssSignIn * 1.048576 <= 350,
    },
    {
      figure: 'RSS peak over every scenario / idle after',
      value: `${f1(f.rssPeak)} / ${f1(f.rssAfter)} MiB`,
      target: '—',
      met: undefined,
    },
    { figure: 'Connection errors and timeouts', value: String(f.errors), target: '0', met: f.errors === 0 },
  );
  for (const s of f.shares) {
    out.push({
      figure: `PostgreSQL per ${s.operation} (${s.operations} measured)`,
      value: `${s.rowWrites.toFixed(2)} rows written (≈ ${s.commits.toFixed(1)} commits), ${s.pgCpuMs.toFixed(2)} ms backend CPU${s.redisCommands === undefined ? '' : `; ${s.redisCommands.toFixed(1)} Redis commands`}`,
      target: '—',
      met: undefined,
    });
  }
  return out;
}

const mark = (met: boolean | undefined): string => (met === undefined ? '' : met ? 'met' : '**missed**');

export function printFigures(f: Figures): void {
  process.stdout.write(
    `\n${f.database} — ${f.machine.cores} cores (${f.machine.cpu}), UV_THREADPOOL_SIZE=${f.threads}\n`,
  );
  for (const r of rows(f)) {
    const status = r.met === undefined ? '' : r.met ? '  ok' : '  MISSED';
    process.stdout.write(`  ${r.figure.padEnd(58)} ${r.value.padEnd(44)} ${r.target}${status}\n`);
  }
}

function section(f: Figures): string {
  const m = f.machine;
  return [
    `### ${f.database} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.cores} cores, ${m.cpu}, ${m.memoryGib} GiB, Linux ${m.kernel}, Node ${m.node}; load average ${m.loadAverage} at start, ${f.loadAtEnd} at the end.`,
    `Run: ${f.members} members, ${f.rounds} rounds of about ${f.seconds} s, ${f.connections} connections, UV_THREADPOOL_SIZE=${f.threads}.`,
    '',
    '| figure | value (median of rounds) | target | |',
    '|---|---|---|---|',
    ...rows(f).map((r) => `| ${r.figure} | ${r.value} | ${r.target} | ${mark(r.met)} |`),
    '',
  ].join('\n');
}

const HEADER = `# Bench results

Written by \`npm run bench\` (SQLite), \`SESAME_DATABASE_URL=postgres://… npm run bench\` (PostgreSQL) and the
same with \`SESAME_REDIS_URL\` (PostgreSQL + Redis); each run replaces its own section below. See the notes at the end for what each figure measures.
`;

export function writeResults(f: Figures, file: string): void {
  const key = !f.database.startsWith('PostgreSQL')
    ? 'sqlite'
    : f.database.endsWith('+ Redis')
      ? 'postgres-redis'
      : 'postgres';
  const start = `<!-- bench:${key}:start -->`;
  const end = `<!-- bench:${key}:end -->`;
  const block = `${start}\n${section(f)}${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + end.length);
  else {
    // A new section goes before the notes, when there are any.
    const notes = text.indexOf('\n## Notes');
    text =
      notes >= 0
        ? `${text.slice(0, notes)}\n${block}\n${text.slice(notes)}`
        : `${text.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(file, text);
}
