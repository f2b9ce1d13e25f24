// Where the server's main thread spends its time under one bench scenario (issue 7, "profile the sign-in
// POST and the sign-in page GET"): the compiled server runs with `node --cpu-prof`, bench/load.ts drives
// the scenario, and the profile is summarised by self time per function and per package.
//   node --import tsx bench/profile.ts sign-in|pages|recovery|codes [--seconds 5] [--out DIR]
// The .cpuprofile file stays in DIR (default: a temp folder) for Chrome DevTools or speedscope.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KNOWN_ANSWER_INDEX } from '../test/helpers/serve-known.js';
import { startKnownServer } from '../test/scale/cluster.js';
import type { LoadJob, LoadResult, Scenario } from './load.js';
import { BENCH_PASSWORD, createBenchDatabase, FIRST_MEMBER, seedBenchMembers } from './setup.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '5' },
    out: { type: 'string' },
    members: { type: 'string', default: '2000' },
  },
});
const scenario = (positionals[0] ?? 'sign-in') as Scenario;
const HERE = fileURLToPath(new URL('.', import.meta.url));

function where(url: string): string {
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.includes('/dist/')) return `sesame ${url.slice(url.indexOf('/dist/') + 6)}`;
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

/**
 * Self time per function and per package, in percent of the samples taken within `window` (µs of the
 * monotonic clock, which the profile's timestamps and process.hrtime share on Linux).
 */
export function summariseProfile(profile: CpuProfile, window: readonly [number, number], top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= window[0] && at <= window[1]) self.set(id, (self.get(id) ?? 0) + delta);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  for (const [id, t] of self) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const name = `${f.functionName || '(anonymous)'}  ${where(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    fns.set(name, (fns.get(name) ?? 0) + t);
    const pkg = where(f.url).split(' ')[0] as string;
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + t);
  }
  const lines = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, t]) => `  ${((100 * t) / total).toFixed(1).padStart(5)} %  ${k}`);
  return [
    `Main thread, ${(total / 1e6).toFixed(1)} s sampled`,
    'By package:',
    ...lines(pkgs, 12),
    'By function:',
    ...lines(fns, top),
  ].join('\n');
}

async function main(): Promise<void> {
  const out = args.out ?? mkdtempSync(join(tmpdir(), 'sesame-profile-'));
  const database = await createBenchDatabase(process.env.SESAME_DATABASE_URL ?? '');
  const dataDir = mkdtempSync(join(tmpdir(), 'sesame-bench-'));
  const members = Number(args.members);
  await seedBenchMembers(database.databaseUrl, dataDir, members);
  const server = await startKnownServer(
    {
      SESAME_ENV: 'test',
      SESAME_DATA_DIR: dataDir,
      SESAME_DATABASE_URL: database.databaseUrl,
      SESAME_SECRET: `bench-${'x'.repeat(40)}`,
      SESAME_SIGN_INS_PER_IP_PER_MINUTE: '1000000',
      SESAME_CODES_PER_IP_PER_DAY: '1000000',
      SESAME_CODES_PER_MEMBER_PER_DAY: '1000',
      SESAME_CODES_PER_DAY: '100000000',
      UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? String(Math.max(2, availableParallelism())),
    },
    {
      command: [
        '--cpu-prof',
        `--cpu-prof-dir=${out}`,
        join(HERE, 'serve-compiled.js'),
        String(KNOWN_ANSWER_INDEX),
      ],
    },
  );
  const flowsFile = join(dataDir, 'flows.json');
  const job = (s: Scenario): LoadJob => ({
    scenario: s,
    url: server.url,
    connections: 16,
    seconds: Number(args.seconds),
    amount: 150 * Number(args.seconds),
    memberFirst: FIRST_MEMBER,
    memberCount: members,
    password: BENCH_PASSWORD,
    flowsFile,
  });
  const window: [number, number] = [0, 0];
  const now = (): number => Number(process.hrtime.bigint() / 1000n);
  try {
    if (scenario === 'codes') await runLoad(job('recovery'), () => {});
    const result = await runLoad(job(scenario), () => {
      window[0] = now();
    });
    window[1] = now();
    process.stdout.write(
      `${scenario}: ${result.perSecond.toFixed(1)}/s (${result.ok} in ${result.seconds.toFixed(1)} s)\n`,
    );
  } finally {
    await server.stop();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${out}`);
  process.stdout.write(
    `${summariseProfile(JSON.parse(readFileSync(join(out, file), 'utf8')) as CpuProfile, window)}\n`,
  );
  process.stdout.write(`Profile: ${join(out, file)}\n`);
}

function runLoad(job: LoadJob, onTimed: () => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'load.ts'), JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('{"event":"timed"}')) {
        onTimed();
        text = text.replace('{"event":"timed"}\n', '');
      }
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(text.trim().split('\n').pop() ?? '{}') as LoadResult)
        : reject(new Error(`load exited ${code}`)),
    );
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`profile: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
