// The picture pool's worker thread (issue 7: no picture work on the event loop). The main thread sends the
// icon masks once, then asks for batches ("12 of bike, 3 of car…"); the worker composes each picture with
// its own variation from the system CSPRNG and sends the PNGs back without copying them (transfer).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { cryptoRandom } from '../platform/random.js';
import type { IconMask } from './compose.js';
import { composePicture } from './variation.js';

type Wants = ReadonlyMap<string, number>;
interface Request {
  readonly id: number;
  readonly wants: [string, number][];
}
interface Reply {
  readonly id: number;
  readonly pictures?: [string, Uint8Array[]][];
  readonly error?: string;
}

/** The main thread's side: one worker, requests answered in order. */
export class PictureWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve(p: Map<string, Buffer[]>): void; reject(e: Error): void }
  >();
  private nextId = 0;

  constructor(masks: ReadonlyMap<string, readonly IconMask[]>) {
    const workerData = { masks: [...masks] };
    // A picture allocates about 60 kB that dies at once: a small young generation is enough, and keeps the
    // worker's share of the resident memory small (issue 7: ≤ 150 MB idle).
    const resourceLimits = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 };
    const self = import.meta.url;
    // Compiled, this file starts its own worker. Run from src/ through tsx (tests, dev tools), the worker
    // must load tsx itself: Node 20 does not pass `--import tsx` on to worker threads.
    this.worker = self.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(self)}, ${JSON.stringify(self)}))`,
          { eval: true, workerData, resourceLimits },
        )
      : new Worker(new URL(self), { workerData, resourceLimits });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) return waiting.reject(new Error(reply.error));
      const out = new Map<string, Buffer[]>();
      for (const [icon, list] of reply.pictures ?? []) {
        out.set(
          icon,
          list.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)),
        );
      }
      waiting.resolve(out);
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', () => this.failAll(new Error('picture worker stopped')));
  }

  render(wants: Wants): Promise<Map<string, Buffer[]>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive only while an answer is awaited.
      this.worker.ref();
      this.worker.postMessage({ id, wants: [...wants] } satisfies Request);
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    }) as Promise<Map<string, Buffer[]>>;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(err: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}

function serveRequests(): void {
  const masks = new Map<string, IconMask[]>((workerData as { masks: [string, IconMask[]][] }).masks);
  parentPort?.on('message', (req: Request) => {
    try {
      const pictures: [string, Uint8Array[]][] = [];
      const transfer: ArrayBuffer[] = [];
      for (const [icon, count] of req.wants) {
        const iconMasks = masks.get(icon);
        if (!iconMasks) throw new Error(`no masks for icon ${icon}`);
        const list: Uint8Array[] = [];
        for (let i = 0; i < count; i++) {
          // A copy into its own ArrayBuffer: Buffer.concat may hand out a slice of a shared pool.
          const png = new Uint8Array(composePicture(iconMasks, cryptoRandom));
          list.push(png);
          transfer.push(png.buffer as ArrayBuffer);
        }
        pictures.push([icon, list]);
      }
      parentPort?.postMessage({ id: req.id, pictures } satisfies Reply, transfer);
    } catch (err) {
      parentPort?.postMessage({
        id: req.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies Reply);
    }
  });
}

if (!isMainThread && (workerData as { masks?: unknown } | null)?.masks) serveRequests();
