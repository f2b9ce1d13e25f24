// `npm run bench` (issue 7): the real server (compiled, embedded default or SESAME_DATABASE_URL) with the
// picture check on, loaded from a separate process with autocannon on 127.0.0.1. Prints, from one run:
// the raw Argon2id ceiling, sign-in POST/s and their ratio, latency at 50 % and 90 % of the peak, page
// views/s, recovery starts/s, code checks/s and RSS; writes them to bench/RESULTS.md.
//   npm run bench -- [--members 2000] [--rounds 3] [--seconds 5] [--connections 16] [--no-write]
// Shared, noisy machines: every figure is the median of several rounds, and each sign-in round is set
// against the Argon2id rounds run just before and after it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KNOWN_ANSWER_INDEX } from '../test/helpers/serve-known.js';
import { startKnownServer } from '../test/scale/cluster.js';
import { measureStoreShares } from './capacity.js';
import type { LoadJob, LoadResult } from './load.js';
import { type Figures, printFigures, writeResults } from './report.js';
import {
  BENCH_PASSWORD,
  cpuSeconds,
  createBenchDatabase,
  describeMachine,
  FIRST_MEMBER,
  rssMib,
  seedBenchMembers,
} from './setup.js';

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    'no-write': { type: 'boolean', default: false },
    /** Comma-separated subset (capacity,sign-in,latency,pages,recovery,codes) for quick checks; nothing is written. */
    only: { type: 'string' },
  },
});
const ONLY = args.only ? new Set(args.only.split(',')) : undefined;
const wanted = (step: string): boolean => !ONLY || ONLY.has(step);
const MEMBERS = Number(args.members);
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const HERE = fileURLToPath(new URL('.', import.meta.url));
// What bin/sesame.js sets: one libuv thread per core.
const THREADS = process.env.UV_THREADPOOL_SIZE ?? String(Math.max(2, availableParallelism()));

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function runChild<T>(
  script: string,
  arg: unknown,
  env: Record<string, string> = {},
  onTimed?: () => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, script), JSON.stringify(arg)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (onTimed && out.includes('{"event":"timed"}')) {
        onTimed();
        out = out.replace('{"event":"timed"}\n', '');
        onTimed = undefined;
      }
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as T);
    });
  });
}

const argonRound = (): Promise<{ perSecond: number; cpuMs: number }> =>
  runChild(
    'argon.ts',
    { seconds: SECONDS, memoryKib: 19_456, iterations: 2 },
    { UV_THREADPOOL_SIZE: THREADS },
  );

/**
 * Resident memory once the idle server has settled: V8 gives back its start-up garbage after some quiet
 * (its memory reducer; 10 to 45 s here). Sampled every second until it fell by a tenth and then held for
 * 5 s, or for 60 s; the lowest reading.
 */
async function settledRss(pid: number): Promise<number> {
  const start = rssMib(pid);
  let low = start;
  let steady = 0;
  for (let s = 1; s <= 60; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = rssMib(pid);
    steady = now < low - 1 ? 0 : steady + 1;
    low = Math.min(low, now);
    if (low < start * 0.9 && steady >= 5) break;
  }
  return low;
}

interface Measured extends LoadResult {
  /** Server CPU per completed operation, ms: every thread, then the main thread (event loop) alone. */
  readonly serverCpuMs: number;
  readonly mainCpuMs: number;
  readonly peakRssMib: number;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const created = await createBenchDatabase(process.env.SESAME_DATABASE_URL ?? '');
  // With SESAME_REDIS_URL too (the scale-out set-up), counters and challenges live in Redis: its own section.
  const database =
    created.databaseUrl && process.env.SESAME_REDIS_URL
      ? { ...created, label: `${created.label} + Redis`, drop: () => created.drop() }
      : created;
  const dataDir = mkdtempSync(join(tmpdir(), 'sesame-bench-'));
  process.stdout.write(
    `Sésame bench — ${database.label}, ${MEMBERS} members, ${ROUNDS} rounds of ~${SECONDS} s\n`,
  );
  await seedBenchMembers(database.databaseUrl, dataDir, MEMBERS);
  const server = await startKnownServer(
    {
      SESAME_ENV: 'test',
      SESAME_DATA_DIR: dataDir,
      SESAME_DATABASE_URL: database.databaseUrl,
      SESAME_SECRET: `bench-${'x'.repeat(40)}`,
      SESAME_ANTI_ROBOT: 'image',
      // One client address sends everything: the per-IP and per-member limits would stop the bench.
      SESAME_SIGN_INS_PER_IP_PER_MINUTE: '1000000',
      SESAME_CODES_PER_IP_PER_DAY: '1000000',
      SESAME_CODES_PER_MEMBER_PER_DAY: '1000',
      SESAME_CODES_PER_DAY: '100000000',
      UV_THREADPOOL_SIZE: THREADS,
    },
    { command: [join(HERE, 'serve-compiled.js'), String(KNOWN_ANSWER_INDEX)] },
  );
  const flowsFile = join(dataDir, 'bench-flows.json');
  const load = async (
    job: Omit<LoadJob, 'url' | 'memberFirst' | 'memberCount' | 'password'>,
    alsoOnTimed?: () => void,
  ): Promise<Measured> => {
    let peak = 0;
    let cpu0 = 0;
    let main0 = 0;
    let sampler: NodeJS.Timeout | undefined;
    // Readings start when the load process says the timed part begins (after fetching its forms).
    const onTimed = (): void => {
      alsoOnTimed?.();
      cpu0 = cpuSeconds(server.pid);
      // The main thread alone: the event loop's share (Argon2id and pictures run on other threads).
      main0 = cpuSeconds(server.pid, server.pid);
      peak = rssMib(server.pid);
      sampler = setInterval(() => {
        peak = Math.max(peak, rssMib(server.pid));
      }, 100);
    };
    try {
      const result = await runChild<LoadResult>(
        'load.ts',
        {
          ...job,
          url: server.url,
          memberFirst: FIRST_MEMBER,
          memberCount: MEMBERS,
          password: BENCH_PASSWORD,
        },
        {},
        onTimed,
      );
      const n = Math.max(1, result.ok);
      const cpu = cpuSeconds(server.pid) - cpu0;
      const main = cpuSeconds(server.pid, server.pid) - main0;
      return {
        ...result,
        serverCpuMs: (cpu * 1000) / n,
        mainCpuMs: (main * 1000) / n,
        peakRssMib: Math.max(peak, rssMib(server.pid)),
      };
    } finally {
      clearInterval(sampler);
    }
  };
  const log = (label: string, r: { perSecond: number }): void => {
    process.stdout.write(`  ${label.padEnd(30)} ${r.perSecond.toFixed(1)}/s\n`);
  };

  try {
    const rssStart = rssMib(server.pid);
    const rssIdle = await settledRss(server.pid);
    process.stdout.write(
      `RSS ${rssStart.toFixed(1)} MiB at start, ${rssIdle.toFixed(1)} MiB idle once settled\n`,
    );
    process.stdout.write('Warm-up…\n');
    await load({ scenario: 'sign-in', connections: CONNECTIONS, amount: 200 });
    await load({ scenario: 'pages', connections: CONNECTIONS, seconds: 2 });
    // First, while no challenge has expired yet: what each operation costs PostgreSQL (and Redis).
    const shares =
      database.ownDatabase && wanted('capacity')
        ? await measureStoreShares({
            baseUrl: process.env.SESAME_DATABASE_URL ?? '',
            database: database.ownDatabase,
            redisUrl: process.env.SESAME_REDIS_URL || undefined,
            connections: CONNECTIONS,
            flowsFile,
            load: (job, onTimed) => load(job, onTimed),
          })
        : [];
    for (const s of shares) {
      process.stdout.write(
        `  per ${s.operation}: ${s.rowWrites.toFixed(2)} rows written (≈ ${s.commits.toFixed(1)} commits), ${s.pgCpuMs.toFixed(2)} ms PostgreSQL CPU${s.redisCommands === undefined ? '' : `, ${s.redisCommands.toFixed(1)} Redis commands`}\n`,
      );
    }

    const argon: { perSecond: number; cpuMs: number }[] = [];
    const signIns: Measured[] = [];
    const argonStep = async (): Promise<void> => {
      argon.push(await argonRound());
      log('Argon2id verify (raw)', argon.at(-1) as { perSecond: number });
    };
    await argonStep();
    for (let r = 0; r < ROUNDS && (wanted('sign-in') || wanted('latency')); r++) {
      const amount = Math.max(200, Math.round((argon.at(-1)?.perSecond ?? 100) * SECONDS));
      signIns.push(await load({ scenario: 'sign-in', connections: CONNECTIONS, amount }));
      log(`sign-in POST, round ${r + 1}`, signIns.at(-1) as Measured);
      await argonStep();
    }
    const ratios = signIns.map(
      (s, r) => s.perSecond / (((argon[r]?.perSecond ?? 0) + (argon[r + 1]?.perSecond ?? 0)) / 2),
    );
    const peak = median(signIns.map((s) => s.perSecond));

    const latency: Figures['latency'][number][] = [];
    for (const share of wanted('latency') ? [0.5, 0.9] : []) {
      const rate = Math.max(1, Math.round(peak * share));
      const rounds: Measured[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        rounds.push(
          await load({ scenario: 'sign-in', connections: CONNECTIONS, amount: rate * SECONDS, rate }),
        );
      }
      const l = {
        share,
        rate,
        achieved: median(rounds.map((x) => x.perSecond)),
        p50: median(rounds.map((x) => x.p50)),
        p99: median(rounds.map((x) => x.p99)),
      };
      latency.push(l);
      process.stdout.write(
        `  latency at ${share * 100} % (${rate}/s): p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms\n`,
      );
    }

    const pages: Measured[] = [];
    const recoveries: Measured[] = [];
    const codes: Measured[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (wanted('pages')) {
        pages.push(await load({ scenario: 'pages', connections: CONNECTIONS, seconds: SECONDS }));
        log(`page views, round ${r + 1}`, pages.at(-1) as Measured);
      }
      if (wanted('recovery') || wanted('codes')) {
        recoveries.push(
          await load({ scenario: 'recovery', connections: CONNECTIONS, amount: 400 * SECONDS, flowsFile }),
        );
        log(`recovery starts, round ${r + 1}`, recoveries.at(-1) as Measured);
      }
      if (wanted('codes')) {
        codes.push(await load({ scenario: 'codes', connections: CONNECTIONS, flowsFile }));
        log(`code checks, round ${r + 1}`, codes.at(-1) as Measured);
      }
    }
    const cpu = (label: string, xs: Measured[]) =>
      xs.length &&
      process.stdout.write(
        `  server CPU per ${label.padEnd(16)} ${median(xs.map((x) => x.serverCpuMs)).toFixed(2)} ms\n`,
      );
    process.stdout.write(
      `  Argon2id CPU per verify         ${median(argon.map((a) => a.cpuMs)).toFixed(2)} ms\n`,
    );
    cpu('sign-in', signIns);
    if (signIns.length) {
      process.stdout.write(
        `  main thread CPU per sign-in    ${median(signIns.map((x) => x.mainCpuMs)).toFixed(2)} ms\n`,
      );
    }
    cpu('page view', pages);
    cpu('recovery start', recoveries);
    cpu('code check', codes);
    if (ONLY) return;
    const rssAfter = rssMib(server.pid);

    const figures: Figures = {
      machine,
      loadAtEnd: describeMachine().loadAverage,
      database: database.label,
      members: MEMBERS,
      rounds: ROUNDS,
      seconds: SECONDS,
      connections: CONNECTIONS,
      threads: Number(THREADS),
      argon: median(argon.map((a) => a.perSecond)),
      argonCpuMs: median(argon.map((a) => a.cpuMs)),
      signIn: median(signIns.map((s) => s.perSecond)),
      ratio: median(ratios),
      ratios,
      signInCpuMs: median(signIns.map((s) => s.serverCpuMs)),
      signInMainCpuMs: median(signIns.map((s) => s.mainCpuMs)),
      shares,
      latency,
      pages: median(pages.map((p) => p.perSecond)),
      pageCpuMs: median(pages.map((p) => p.serverCpuMs)),
      recoveries: median(recoveries.map((p) => p.perSecond)),
      recoveryCpuMs: median(recoveries.map((p) => p.serverCpuMs)),
      codes: median(codes.map((p) => p.perSecond)),
      codeCpuMs: median(codes.map((p) => p.serverCpuMs)),
      rssStart,
      rssIdle,
      rssAfter,
      rssSignIn: Math.max(...signIns.map((s) => s.peakRssMib)),
      rssPeak: Math.max(...[...signIns, ...pages, ...recoveries, ...codes].map((s) => s.peakRssMib)),
      errors: [...signIns, ...pages, ...recoveries, ...codes].reduce((n, s) => n + s.errors, 0),
    };
    printFigures(figures);
    if (!args['no-write']) writeResults(figures, join(HERE, 'RESULTS.md'));
  } finally {
    await server.stop();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
