// `npm start` builds only when a source file is newer than the compiled output (or nothing is built yet).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const marker = 'dist/cli/index.js';
const stale =
  !existsSync(marker) ||
  newest('src') > statSync(marker).mtimeMs ||
  statSync('package.json').mtimeMs > statSync(marker).mtimeMs;
if (stale) {
  process.stdout.write('Compilation (tsc)…\n');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
    stdio: 'inherit',
  });
  // tsc only updates files it rewrites; touch the marker so the next start sees a fresh build.
  const now = new Date();
  const { utimesSync } = await import('node:fs');
  utimesSync(marker, now, now);
}
