// Pre-rendered pictures, so that a page asking for six pictures does not wait for six renders. Each
// buffer leaves the pool once (shift) and is never served again: no two challenges share bytes.
import type { Random } from '../platform/random.js';
import { renderPicture } from './render.js';

export type RenderPicture = (icon: string, random: Random) => Promise<Buffer>;

export interface PicturePoolOptions {
  readonly icons: readonly string[];
  readonly random: Random;
  /** Ready pictures kept per icon. */
  readonly perIcon?: number;
  readonly render?: RenderPicture;
  /** Told about a failed background render (the pool then renders on demand). */
  readonly onError?: (error: unknown) => void;
}

export class PicturePool {
  private readonly ready = new Map<string, Buffer[]>();
  private readonly perIcon: number;
  private readonly render: RenderPicture;
  private refill: Promise<void> | undefined;
  private closed = false;
  private renders = 0;

  constructor(private readonly options: PicturePoolOptions) {
    this.perIcon = options.perIcon ?? 3;
    this.render = options.render ?? renderPicture;
    for (const icon of options.icons) this.ready.set(icon, []);
  }

  /** A picture never handed out before: a pooled one, or one rendered now when the pool is dry. */
  async take(icon: string): Promise<Buffer> {
    const pooled = this.ready.get(icon)?.shift();
    this.startRefill();
    if (pooled) return pooled;
    this.renders++;
    return this.render(icon, this.options.random);
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
  }

  private startRefill(): void {
    if (this.refill || this.closed) return;
    this.refill = this.refillLoop().finally(() => {
      this.refill = undefined;
    });
  }

  // One render at a time: sharp and Argon2 share libuv's small thread pool (4 threads by default), and
  // password hashing must not queue behind a burst of pictures.
  private async refillLoop(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const icon = this.neediestIcon();
      if (icon === undefined) return;
      try {
        this.renders++;
        const png = await this.render(icon, this.options.random);
        this.ready.get(icon)?.push(png);
      } catch (error) {
        this.options.onError?.(error);
        return;
      }
    }
  }

  private neediestIcon(): string | undefined {
    let best: string | undefined;
    let fewest = this.perIcon;
    for (const [icon, list] of this.ready) {
      if (list.length < fewest) {
        best = icon;
        fewest = list.length;
      }
    }
    return best;
  }
}
