// The ceiling of `npm run bench`: raw Argon2id verifications per second in a process of its own, with the
// server's parameters and the server's libuv thread-pool size, nothing else running in it.
//   UV_THREADPOOL_SIZE=n node --import tsx bench/argon.ts '{"seconds":5,"memoryKib":19456,"iterations":2}'
// Prints {"perSecond":…,"verifications":…,"seconds":…,"cpuMs":…} (CPU time per verification, all threads).
import { hashPassword, verifyPassword } from '../src/passwords/hashing.js';

const { seconds, memoryKib, iterations } = JSON.parse(process.argv[2] ?? '{}') as {
  seconds: number;
  memoryKib: number;
  iterations: number;
};
const password = 'Ciel-Bleu-Marine-42!';
const hashed = await hashPassword(password, { memoryKib, iterations, parallelism: 1 });
const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
// Twice as many verifications in flight as pool threads: the pool never waits for the event loop.
const inFlight = threads * 2;
await verifyPassword(hashed, password);
let done = 0;
const cpu0 = process.cpuUsage();
const start = performance.now();
const end = start + seconds * 1000;
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (performance.now() < end) {
      if (!(await verifyPassword(hashed, password))) throw new Error('verification failed');
      done++;
    }
  }),
);
const elapsed = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000 / done;
process.stdout.write(
  `${JSON.stringify({ perSecond: done / elapsed, verifications: done, seconds: elapsed, cpuMs })}\n`,
);
