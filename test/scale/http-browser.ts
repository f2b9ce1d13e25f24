// A browser stand-in over real HTTP (for servers in other processes, behind nginx): a cookie jar, GET, and
// POST of urlencoded forms with the page's CSRF token and an Origin header, as test/helpers/app.ts does
// through inject. `localAddress` picks the client's loopback address (127.0.0.x), so that a test can be
// "another client" for the per-IP limits or the X-Forwarded-For checks.
import { Agent, request } from 'node:http';

export interface HttpPage {
  readonly status: number;
  readonly body: string;
  readonly bytes: Buffer;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly location: string | undefined;
}

export class HttpBrowser {
  readonly cookies = new Map<string, string>();
  last: HttpPage | undefined;
  private readonly agent: Agent;

  constructor(
    readonly baseUrl: string,
    readonly options: { localAddress?: string; userAgent?: string; headers?: Record<string, string> } = {},
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 4, localAddress: options.localAddress });
  }

  close(): void {
    this.agent.destroy();
  }

  private keep(headers: Record<string, string | string[] | undefined>): void {
    const raw = headers['set-cookie'];
    for (const c of Array.isArray(raw) ? raw : raw ? [raw] : []) {
      const pair = c.split(';')[0] ?? '';
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request; keeps cookies and the page. */
  send(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    extra: Record<string, string> = {},
  ): Promise<HttpPage> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent ?? 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
      'accept-language': 'fr-FR,fr;q=0.9',
      ...this.options.headers,
      ...extra,
    };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
      headers.origin ??= new URL(this.baseUrl).origin;
    }
    return new Promise<HttpPage>((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          this.keep(res.headers);
          const page: HttpPage = {
            status: res.statusCode ?? 0,
            body: bytes.toString('utf8'),
            bytes,
            headers: res.headers,
            location: res.headers.location,
          };
          this.last = page;
          resolve(page);
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  get(path: string, extra: Record<string, string> = {}): Promise<HttpPage> {
    return this.send('GET', path, undefined, extra);
  }

  /** POSTs the fields with the CSRF token of the last page (unless given). */
  post(path: string, fields: Record<string, string>, extra: Record<string, string> = {}): Promise<HttpPage> {
    const csrf = fields._csrf ?? (this.last ? csrfOf(this.last.body) : undefined);
    const body = new URLSearchParams({ ...(csrf ? { _csrf: csrf } : {}), ...fields }).toString();
    return this.send('POST', path, body, extra);
  }

  /** Follows the last 30x with a GET. */
  follow(): Promise<HttpPage> {
    const loc = this.last?.location;
    if (!loc) throw new Error(`no redirect (status ${this.last?.status})`);
    return this.get(loc);
  }
}

// Page parsing, kept free of the server's modules so that the bench's load generator stays small.

/** The CSRF token of the page's form (as test/helpers/app.ts reads it). */
export function csrfOf(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

/** The picture challenge's fields, answered with the picture at `answerIndex`. */
export function pictureAnswer(html: string, answerIndex: number): Record<string, string> {
  const id = /name="challenge_id" value="([^"]+)"/.exec(html)?.[1];
  const values = [...html.matchAll(/name="challenge_choice" value="([^"]+)"/g)].map((m) => m[1] as string);
  if (!id || values.length !== 6) throw new Error('no picture challenge on this page');
  return { challenge_id: id, challenge_choice: values[answerIndex] as string };
}

/** The picture URLs of a challenge page, in display order. */
export function pictureUrlsOf(html: string): string[] {
  return [...html.matchAll(/src="(\/anti-robot\/pictures\/[A-Za-z0-9_-]+\.png)"/g)].map(
    (m) => m[1] as string,
  );
}
