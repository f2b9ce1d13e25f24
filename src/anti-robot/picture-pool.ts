// Pre-rendered pictures, so that a page asking for six pictures does not wait for six renders. Each
// buffer leaves the pool once (shift) and is never served again: no two challenges share bytes.
// By default pictures are composed on a worker thread from icon masks (compose.ts, issue 7): about 0.2 ms
// of CPU each instead of about 2 ms for an SVG rasterised by sharp, and none of it on the event loop.
import type { Random } from '../platform/random.js';
import { type IconMask, unpackMasks } from './compose.js';
import { MASK_ICONS, PACKED_MASKS } from './mask-data.js';
import { PictureWorker } from './picture-worker.js';

export type RenderPicture = (icon: string, random: Random) => Promise<Buffer>;
/** Renders several pictures at once: how many of each icon → the pictures of each icon. */
export type RenderPictures = (wants: ReadonlyMap<string, number>) => Promise<Map<string, Buffer[]>>;

export interface PicturePoolOptions {
  readonly icons: readonly string[];
  /** Used by a custom `render`; the default worker draws from the system CSPRNG. */
  readonly random: Random;
  /** Ready pictures kept per icon. */
  readonly perIcon?: number;
  /** One picture at a time (tests); without it, batches on the picture worker. */
  readonly render?: RenderPicture;
  /** Told about a failed background render (the pool then renders on demand). */
  readonly onError?: (error: unknown) => void;
}

// A refill asks for at most this many pictures at once (about 10 ms of worker time), so that a picture
// rendered on demand never waits long behind a batch.
const MAX_BATCH = 48;

export class PicturePool {
  private readonly ready = new Map<string, Buffer[]>();
  private readonly perIcon: number;
  private readonly renderMany: RenderPictures;
  private worker: Promise<PictureWorker> | undefined;
  private refill: Promise<void> | undefined;
  private closed = false;
  private renders = 0;

  constructor(private readonly options: PicturePoolOptions) {
    this.perIcon = options.perIcon ?? 8;
    const render = options.render;
    this.renderMany = render
      ? (wants) => renderOneByOne(wants, (icon) => render(icon, options.random))
      : (wants) => this.renderOnWorker(wants);
    for (const icon of options.icons) this.ready.set(icon, []);
  }

  /** A picture never handed out before: a pooled one, or one rendered now when the pool is dry. */
  async take(icon: string): Promise<Buffer> {
    const pooled = this.ready.get(icon)?.shift();
    this.startRefill();
    if (pooled) return pooled;
    this.renders++;
    const [png] = (await this.renderMany(new Map([[icon, 1]]))).get(icon) ?? [];
    if (!png) throw new Error(`no picture rendered for ${icon}`);
    return png;
  }

  /** Fills every icon up to `perIcon`; resolves when full (start-up warm-up, tests). */
  async fill(): Promise<void> {
    this.startRefill();
    await this.refill;
  }

  /** Pictures ready for `icon` (metrics, tests). */
  readyCount(icon: string): number {
    return this.ready.get(icon)?.length ?? 0;
  }

  /** Renders made so far, in the background and on demand. */
  renderCount(): number {
    return this.renders;
  }

  /** Stops refilling after the render in progress; pictures already pooled are still served. */
  close(): void {
    this.closed = true;
    this.worker?.then((w) => w.close()).catch(() => {});
  }

  private renderOnWorker(wants: ReadonlyMap<string, number>): Promise<Map<string, Buffer[]>> {
    this.worker ??= loadMasks(this.options.icons).then((masks) => new PictureWorker(masks));
    return this.worker.then((w) => w.render(wants));
  }

  private startRefill(): void {
    if (this.refill || this.closed) return;
    this.refill = this.refillLoop().finally(() => {
      this.refill = undefined;
    });
  }

  // One batch at a time, the emptiest icons first.
  private async refillLoop(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const wants = this.missing();
      if (wants.size === 0) return;
      try {
        for (const n of wants.values()) this.renders += n;
        const rendered = await this.renderMany(wants);
        for (const [icon, list] of rendered) this.ready.get(icon)?.push(...list);
      } catch (error) {
        // A render cut short by close() is no failure.
        if (!this.closed) this.options.onError?.(error);
        return;
      }
    }
  }

  private missing(): Map<string, number> {
    const byNeed = [...this.ready]
      .map(([icon, list]) => [icon, this.perIcon - list.length] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    const wants = new Map<string, number>();
    let total = 0;
    for (const [icon, n] of byNeed) {
      const take = Math.min(n, MAX_BATCH - total);
      if (take <= 0) break;
      wants.set(icon, take);
      total += take;
    }
    return wants;
  }
}

/** The packed masks (mask-data.ts); an icon missing from them is rasterised now, loading sharp only then. */
async function loadMasks(icons: readonly string[]): Promise<Map<string, IconMask[]>> {
  const packed = unpackMasks(MASK_ICONS, PACKED_MASKS);
  const missing = icons.filter((icon) => !packed.has(icon));
  if (missing.length > 0) {
    const { renderIconMasks } = await import('./masks.js');
    for (const [icon, masks] of await renderIconMasks(missing)) packed.set(icon, masks);
  }
  return new Map(icons.map((icon) => [icon, packed.get(icon) ?? []]));
}

// A custom one-picture renderer (tests) used one picture at a time, as before batches existed.
async function renderOneByOne(
  wants: ReadonlyMap<string, number>,
  render: (icon: string) => Promise<Buffer>,
): Promise<Map<string, Buffer[]>> {
  const out = new Map<string, Buffer[]>();
  for (const [icon, n] of wants) {
    const list: Buffer[] = [];
    for (let i = 0; i < n; i++) list.push(await render(icon));
    out.set(icon, list);
  }
  return out;
}
