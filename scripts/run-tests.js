// `npm test`: every test file under test/, through Node's own test runner (TypeScript via tsx), with a
// readable spec report on the terminal and one closing line `N passed, N failed, N skipped`.
// Pass file paths or folders to run a subset: `npm test -- test/sign-in`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), out);
  } else if (path.endsWith('.test.ts')) out.push(path);
  return out;
}

const roots = process.argv.slice(2);
const files = (roots.length ? roots : ['test']).flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error('No test file found.');
  process.exit(1);
}
const tap = join(mkdtempSync(join(tmpdir(), 'sesame-tests-')), 'report.tap');
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '4' } },
);
child.on('exit', (code) => {
  const report = readFileSync(tap, 'utf8');
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(report)?.[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  const skipped = count('skipped');
  const line = `${passed} passed, ${failed} failed, ${skipped} skipped`;
  if (process.env.TEST_SUMMARY_FILE) writeFileSync(process.env.TEST_SUMMARY_FILE, `${line}\n`);
  console.log(`\n${line}`);
  process.exit(code === 0 && failed === 0 && passed > 0 ? 0 : 1);
});
