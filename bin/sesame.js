#!/usr/bin/env node
// Argon2id runs on libuv's thread pool: one thread per core gives the best hashing throughput. The pool
// starts on first use, so this must be set before anything else loads.
import { availableParallelism } from 'node:os';

if (!process.env.UV_THREADPOOL_SIZE)
  process.env.UV_THREADPOOL_SIZE = String(Math.max(2, availableParallelism()));
const { main } = await import('../dist/cli/index.js');
await main(process.argv);
