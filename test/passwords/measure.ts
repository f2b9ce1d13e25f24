// Measurements for the lead's report, not a test (no *.test.ts suffix):
//   node --import tsx test/passwords/measure.ts policy
//   UV_THREADPOOL_SIZE=2 node --import tsx test/passwords/measure.ts argon2
import { dictionary as frenchDictionary } from '@zxcvbn-ts/language-fr';
import {
  hashPassword,
  OWASP_HASH_PARAMS,
  prepareDummyHash,
  verifyAgainstDummy,
  verifyPassword,
} from '../../src/passwords/hashing.js';
import { checkPassword, warmUpPasswordPolicy } from '../../src/passwords/policy.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/** Deterministic generator (mulberry32) so two runs measure the same passwords. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What members type: word+word+symbol+digits, capitalised names with a year, passphrases, manager output. */
function realisticPasswords(count: number): string[] {
  const rnd = seeded(20260115);
  const words = frenchDictionary['commonWords-fr']
    .filter((w) => w.length >= 4 && w.length <= 9)
    .slice(0, 5000);
  const pick = (): string => words[Math.floor(rnd() * words.length)] ?? 'mot';
  const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
  const symbols = '!?#*&@-+$';
  const sym = (): string => symbols.charAt(Math.floor(rnd() * symbols.length));
  const digits = (n: number): string => String(Math.floor(rnd() * 10 ** n)).padStart(n, '0');
  const manager = (n: number): string => {
    const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#*&@-+';
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet.charAt(Math.floor(rnd() * alphabet.length));
    return s;
  };
  const shapes: Array<() => string> = [
    () => `${cap(pick())}${sym()}${cap(pick())}${digits(2)}`,
    () => `${cap(pick())}${digits(4)}${sym()}`,
    () => `${cap(pick())}-${pick()}-${pick()}${sym()}${digits(1)}`,
    () => `${pick()} ${pick()} ${pick()} ${pick()}`,
    () => manager(16),
    () => manager(24),
  ];
  return Array.from({ length: count }, (_, i) => (shapes[i % shapes.length] ?? (() => ''))());
}

function timeChecks(passwords: readonly string[]): { timings: number[]; zxcvbnRuns: number } {
  const timings: number[] = [];
  let zxcvbnRuns = 0;
  for (const password of passwords) {
    const t0 = performance.now();
    const result = checkPassword(password, {
      preset: 'house',
      memberNumber: '40012345',
      firstName: 'Éloïse',
      lastName: 'Durand',
    });
    timings.push(performance.now() - t0);
    if (result.score !== null) zxcvbnRuns++;
  }
  return { timings, zxcvbnRuns };
}

function measurePolicy(): void {
  const t0 = performance.now();
  const { blocklistEntries } = warmUpPasswordPolicy();
  console.log(
    `warm-up (blocklist ${blocklistEntries} entries + zxcvbn dictionaries): ${(performance.now() - t0).toFixed(0)} ms`,
  );
  const passwords = realisticPasswords(200);
  timeChecks(passwords); // JIT warm-up round
  const { timings, zxcvbnRuns } = timeChecks(passwords);
  console.log(
    `checkPassword house, 200 realistic passwords (${zxcvbnRuns} reached zxcvbn): median ${median(timings).toFixed(2)} ms, p90 ${percentile(timings, 0.9).toFixed(2)} ms, max ${Math.max(...timings).toFixed(2)} ms`,
  );
  const sample = realisticPasswords(60);
  const managers = sample.filter((_, i) => i % 6 === 4).join('');
  const phrases = sample.filter((_, i) => i % 6 === 3).join(' ');
  const worst: Record<string, string> = {
    '128-char password-manager string': managers.slice(0, 128),
    '128-char passphrase': `Ab1!${phrases}`.slice(0, 128),
    '1024-unit input (over 128 chars)': 'Aa1!'.repeat(256),
    '1 MB paste': 'Aa1!'.repeat(256 * 1024),
  };
  for (const [name, password] of Object.entries(worst)) {
    const runs: number[] = [];
    for (let i = 0; i < 20; i++) runs.push(timeChecks([password]).timings[0] ?? 0);
    console.log(`${name}: median ${median(runs).toFixed(2)} ms`);
  }
}

async function measureArgon2(): Promise<void> {
  const hashed = await hashPassword('Vélo-Rouge#Matin7', OWASP_HASH_PARAMS);
  const single: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await verifyPassword(hashed, 'Vélo-Rouge#Matin7');
    single.push(performance.now() - t0);
  }
  console.log(`one verify (m=19456 t=2 p=1): median ${median(single).toFixed(1)} ms`);
  await prepareDummyHash(OWASP_HASH_PARAMS);
  const wrong: number[] = [];
  const dummy: number[] = [];
  for (let i = 0; i < 20; i++) {
    let t0 = performance.now();
    await verifyPassword(hashed, 'Mauvais-Mot#2passe');
    wrong.push(performance.now() - t0);
    t0 = performance.now();
    await verifyAgainstDummy('Mauvais-Mot#2passe', OWASP_HASH_PARAMS);
    dummy.push(performance.now() - t0);
  }
  console.log(
    `wrong password: median ${median(wrong).toFixed(1)} ms; unknown member (dummy): median ${median(dummy).toFixed(1)} ms`,
  );
  for (const concurrency of [1, 2]) {
    const seconds = 5;
    let done = 0;
    const lagSamples: number[] = [];
    let last = performance.now();
    const lag = setInterval(() => {
      const now = performance.now();
      lagSamples.push(now - last - 10);
      last = now;
    }, 10);
    const end = performance.now() + seconds * 1000;
    const worker = async (): Promise<void> => {
      while (performance.now() < end) {
        await verifyPassword(hashed, 'Vélo-Rouge#Matin7');
        done++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    clearInterval(lag);
    console.log(
      `concurrency ${concurrency}: ${(done / seconds).toFixed(1)} verify/s; event-loop lag max ${Math.max(...lagSamples).toFixed(1)} ms`,
    );
  }
}

const what = process.argv[2];
if (what === 'policy') measurePolicy();
else if (what === 'argon2') await measureArgon2();
else console.log('usage: node --import tsx test/passwords/measure.ts policy|argon2');
