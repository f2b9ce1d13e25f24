// Member import benchmark: 1,000,000 rows must import in under 60 s on SQLite with a peak RSS under
// 200 MB, and in under 120 s on PostgreSQL (into a fresh schema, dropped afterwards).
//   node --import tsx bench/import.ts [FILE] [--rows N] [--postgres [URL]] [--twice] [--source]
// Without FILE, N rows (default 1,000,000) are generated first by bench/generate-members.ts. PostgreSQL runs
// when --postgres or TEST_DATABASE_URL is given. Each dialect runs in its own child process so that its
// peak RSS is its own; the child runs the compiled build (dist/, as `sesame members import` does) when it
// is up to date, else the sources through tsx (--source forces it), whose loader adds about 40 MB.
// --twice imports the same file again (every row unchanged).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ImportBenchResult {
  readonly dialect: 'sqlite' | 'postgres';
  readonly runtime: 'dist' | 'tsx';
  readonly rows: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: number;
  readonly again?: { readonly seconds: number; readonly unchanged: number };
  readonly pass: boolean;
}

const LIMITS = {
  sqlite: { seconds: 60, rssMb: 200 },
  postgres: { seconds: 120, rssMb: Number.POSITIVE_INFINITY },
};
const ROOT = join(fileURLToPath(import.meta.url), '..', '..');

// The measured process: plain JavaScript, so that it runs the same on the build and through tsx.
const CHILD = `
const [dialect, file, url, twice, importPath, dbPath] = process.argv.slice(1);
const { createReadStream, mkdtempSync, rmSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const { importMembers } = await import(importPath);
const { migrate, openStore } = await import(dbPath);
const dataDir = mkdtempSync(join(tmpdir(), 'sesame-bench-'));
let databaseUrl = '';
let schema;
let admin;
if (dialect === 'postgres') {
  const pg = (await import('pg')).default;
  schema = 'bench_' + process.pid;
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('create schema ' + schema);
  const scoped = new URL(url);
  scoped.searchParams.set('options', '-c search_path=' + schema);
  databaseUrl = scoped.toString();
}
const store = openStore({ databaseUrl, dataDir, poolSize: 2 });
try {
  await migrate(store);
  const options = () => ({ memberNumberPattern: '^[0-9]{6,10}$', now: Date.now() });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const s = await importMembers(store, createReadStream(file), options());
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  let again;
  if (twice === 'twice') {
    const t = performance.now();
    const second = await importMembers(store, createReadStream(file), options());
    again = { seconds: (performance.now() - t) / 1000, unchanged: second.unchanged };
  }
  console.log(JSON.stringify({
    rows: s.rows, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged, rejected: s.rejected,
    seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024, again,
  }));
} finally {
  await store.close();
  if (admin) { await admin.query('drop schema ' + schema + ' cascade'); await admin.end(); }
  rmSync(dataDir, { recursive: true, force: true });
}
`;

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The build can be measured when dist/ holds the import and is newer than every source file. */
function compiledIsFresh(): boolean {
  const built = join(ROOT, 'dist', 'members', 'import.js');
  return existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(ROOT, 'src'));
}

function benchDialect(
  dialect: 'sqlite' | 'postgres',
  file: string,
  url: string,
  twice: boolean,
  runtime: 'dist' | 'tsx',
): ImportBenchResult {
  const module = (part: string): string =>
    pathToFileURL(
      join(ROOT, runtime === 'dist' ? 'dist' : 'src', `${part}.${runtime === 'dist' ? 'js' : 'ts'}`),
    ).href;
  const child = spawnSync(
    process.execPath,
    [
      ...(runtime === 'tsx' ? ['--import', 'tsx'] : []),
      '--input-type=module',
      '--eval',
      CHILD,
      dialect,
      file,
      url,
      twice ? 'twice' : '',
      module('members/import'),
      module('store/db'),
    ],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !last.startsWith('{'))
    throw new Error(`import bench on ${dialect} failed:\n${child.stdout}`);
  const r = JSON.parse(last) as Omit<ImportBenchResult, 'dialect' | 'runtime' | 'rowsPerSecond' | 'pass'>;
  const limit = LIMITS[dialect];
  return {
    dialect,
    runtime,
    ...r,
    rowsPerSecond: r.rows / r.seconds,
    pass: r.seconds < limit.seconds && r.peakRssMb < limit.rssMb && r.rejected === 0,
  };
}

export function formatBenchResult(r: ImportBenchResult): string {
  const rate = Math.round(r.rowsPerSecond).toLocaleString('en');
  const again = r.again ? `; again: ${r.again.seconds.toFixed(1)} s, ${r.again.unchanged} unchanged` : '';
  return (
    `${r.pass ? 'PASS' : 'FAIL'} import ${r.dialect} (${r.runtime}): ${r.rows} rows in ${r.seconds.toFixed(1)} s ` +
    `(${rate} rows/s, CPU ${r.cpuSeconds.toFixed(1)} s, limit ${LIMITS[r.dialect].seconds} s), peak RSS ${r.peakRssMb.toFixed(0)} MB; ` +
    `inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}${again}`
  );
}

/** Runs each dialect in a child process (own peak RSS) and returns the results. */
export function runImportBench(options: {
  file?: string;
  rows?: number;
  postgresUrl?: string;
  twice?: boolean;
  source?: boolean;
}): ImportBenchResult[] {
  let file = options.file;
  let generated: string | undefined;
  if (!file) {
    generated = mkdtempSync(join(tmpdir(), 'sesame-members-'));
    file = join(generated, 'members.csv');
    const rows = String(options.rows ?? 1_000_000);
    const gen = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'bench', 'generate-members.ts'), rows, '--out', file],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
    if (gen.status !== 0) throw new Error('generate-members.ts failed');
  }
  const runtime = !options.source && compiledIsFresh() ? 'dist' : 'tsx';
  try {
    const dialects: Array<'sqlite' | 'postgres'> = options.postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];
    return dialects.map((d) =>
      benchDialect(d, file!, options.postgresUrl ?? '', Boolean(options.twice), runtime),
    );
  } finally {
    if (generated) rmSync(generated, { recursive: true, force: true });
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const take = (name: string, withValue: boolean): string | undefined => {
    const i = args.indexOf(name);
    if (i === -1) return undefined;
    const next = args[i + 1];
    const value = withValue && next !== undefined && !next.startsWith('--') ? next : '';
    args.splice(i, value ? 2 : 1);
    return value;
  };
  const rows = Number(take('--rows', true) || 1_000_000);
  const postgres = take('--postgres', true);
  const twice = take('--twice', false) !== undefined;
  const source = take('--source', false) !== undefined;
  const postgresUrl =
    postgres !== undefined
      ? postgres || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
      : process.env.TEST_DATABASE_URL;
  const file = args[0];
  if (file && !existsSync(file)) throw new Error(`no such file: ${file}`);
  const results = runImportBench({
    rows,
    twice,
    source,
    ...(file ? { file } : {}),
    ...(postgresUrl ? { postgresUrl } : {}),
  });
  for (const r of results) console.log(formatBenchResult(r));
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
