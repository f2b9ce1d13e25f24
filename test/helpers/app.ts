// Builds the real application for HTTP tests (through `inject`, no port), with an injected clock and a
// picture source whose answer the test knows. A tiny browser stand-in keeps cookies and reads forms.
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { type Config, loadConfig } from '../../src/config/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { createServices, type Services } from '../../src/services.js';
import { createWebApp } from '../../src/web/routes.js';
import { fixedChallengeSource } from './anti-robot.js';
import type { TestStore } from './stores.js';

export const TEST_SECRET = 'test-secret-test-secret-test-secret!';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly clock: ManualClock;
  readonly config: Config;
  /** Position of the right picture in every challenge this app issues. */
  readonly answerIndex: number;
  close(): Promise<void>;
}

export async function buildTestApp(
  store: TestStore,
  env: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<TestApp> {
  const config = loadConfig({
    SESAME_ENV: 'test',
    SESAME_DATA_DIR: store.dataDir,
    SESAME_DATABASE_URL: store.databaseUrl,
    SESAME_SECRET: TEST_SECRET,
    SESAME_LOG_LEVEL: 'silent',
    SESAME_PUBLIC_URL: 'http://localhost:3000',
    // The manual clock never moves on its own: a per-minute IP limit would fill up across a whole suite.
    SESAME_SIGN_INS_PER_IP_PER_MINUTE: '100000',
    SESAME_CODES_PER_IP_PER_DAY: '100000',
    ...env,
  });
  const clock = new ManualClock(Date.now());
  const source = fixedChallengeSource({ answerIndex: 2 });
  const services = await createServices(config, {
    store,
    clock,
    challengeSource: source,
    logger: options.logger ?? pino({ level: 'silent' }),
    picturesPerIcon: 1,
  });
  const app = await createWebApp(services);
  await app.ready();
  return {
    app,
    services,
    clock,
    config,
    answerIndex: source.answerIndex,
    close: async () => {
      await app.close();
      services.antiRobotService.close();
      services.redis?.disconnect();
    },
  };
}

export interface Page {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, unknown>;
  readonly location: string | undefined;
}

/** A browser stand-in: a cookie jar, GET, and POST of the form found on the last page. */
export class Browser {
  readonly cookies = new Map<string, string>();
  last: Page | undefined;

  constructor(
    private readonly app: FastifyInstance,
    readonly ip = '203.0.113.7',
    readonly userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(headers: Record<string, unknown>): void {
    const raw = headers['set-cookie'];
    const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
    for (const c of list as string[]) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(url: string): Promise<Page> {
    const res = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader(), 'user-agent': this.userAgent },
      remoteAddress: this.ip,
    });
    this.keep(res.headers);
    this.last = {
      status: res.statusCode,
      body: res.body,
      headers: res.headers,
      location: res.headers.location as string | undefined,
    };
    return this.last;
  }

  /** POSTs urlencoded fields (with the CSRF token of the last page unless given). */
  async post(
    url: string,
    fields: Record<string, string>,
    extraHeaders: Record<string, string> = {},
  ): Promise<Page> {
    const csrf = fields._csrf ?? (this.last ? csrfOf(this.last.body) : undefined);
    const body = new URLSearchParams({ ...(csrf ? { _csrf: csrf } : {}), ...fields }).toString();
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: this.cookieHeader(),
        'user-agent': this.userAgent,
        origin: 'http://localhost:3000',
        ...extraHeaders,
      },
      remoteAddress: this.ip,
    });
    this.keep(res.headers);
    this.last = {
      status: res.statusCode,
      body: res.body,
      headers: res.headers,
      location: res.headers.location as string | undefined,
    };
    return this.last;
  }

  /** Follows a 30x redirect with a GET. */
  async follow(): Promise<Page> {
    const loc = this.last?.location;
    if (!loc) throw new Error(`no redirect (status ${this.last?.status})`);
    return this.get(loc);
  }
}

export function csrfOf(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

/** The anti-robot fields that pass on a page built by buildTestApp (the known picture). */
export function antiRobotAnswer(html: string, answerIndex: number): Record<string, string> {
  const id = /name="challenge_id" value="([^"]+)"/.exec(html)?.[1];
  const values = [...html.matchAll(/name="challenge_choice" value="([^"]+)"/g)].map((m) => m[1]!);
  if (!id || values.length !== 6) throw new Error('no picture challenge on this page');
  return { challenge_id: id, challenge_choice: values[answerIndex]! };
}

/** A wrong picture of the same challenge. */
export function antiRobotWrong(html: string, answerIndex: number): Record<string, string> {
  const right = antiRobotAnswer(html, answerIndex);
  const values = [...html.matchAll(/name="challenge_choice" value="([^"]+)"/g)].map((m) => m[1]!);
  return { challenge_id: right.challenge_id!, challenge_choice: values[(answerIndex + 1) % 6]! };
}

export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
