// Browser tests drive Debian's Chromium through playwright-core (never a downloaded browser), against the
// real server started in this process on a free port, with a picture source whose answer the test knows.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { loadConfig } from '../../src/config/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { fixedChallengeSource } from './anti-robot.js';
import { TEST_SECRET } from './app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests are skipped, or undefined when they run. Under CI a missing Chromium is fatal. */
export function chromiumSkipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.env.CI === 'true') throw new Error(`Chromium is required under CI and missing at ${CHROMIUM}`);
  const notice = `Chromium not found at ${CHROMIUM}: browser tests skipped (apt-get install chromium)`;
  console.warn(`NOTICE: ${notice}`);
  return notice;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

export interface LiveServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly dataDir: string;
  readonly answerIndex: number;
  readonly clock: ManualClock;
  stop(): Promise<void>;
}

/** Starts the real server (demo members loaded) on 127.0.0.1 and a free port. */
export async function startLiveServer(env: Record<string, string> = {}): Promise<LiveServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sesame-live-'));
  const config = loadConfig({
    SESAME_ENV: 'development',
    SESAME_DATA_DIR: dataDir,
    SESAME_SECRET: TEST_SECRET,
    SESAME_LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    SESAME_OUTBOX_POLL_MS: '100',
    ...env,
  });
  const source = fixedChallengeSource({ answerIndex: 3 });
  const clock = new ManualClock(Date.now());
  const originalWrite = process.stdout.write.bind(process.stdout);
  // The demo-members help is for a person at a terminal, not for the test report.
  process.stdout.write = (() => true) as typeof process.stdout.write;
  let server: RunningServer;
  try {
    server = await startServer(config, {
      challengeSource: source,
      logger: pino({ level: 'silent' }),
      clock,
      picturesPerIcon: 1,
    });
  } finally {
    process.stdout.write = originalWrite;
  }
  const port = (server.app.server.address() as { port: number }).port;
  // The public URL must match what the browser sends as Origin.
  return {
    server,
    url: `http://localhost:${port}`,
    dataDir,
    answerIndex: source.answerIndex,
    clock,
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function outboxFiles(dataDir: string): Set<string> {
  const dir = join(dataDir, 'outbox');
  return new Set(existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.')) : []);
}

/** The activation code of the first outbox file that was not in `before` (waits for the worker). */
export async function waitForCode(
  dataDir: string,
  before: Set<string>,
  timeoutMs = 15_000,
): Promise<{ code: string; file: string }> {
  const dir = join(dataDir, 'outbox');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const f of [...outboxFiles(dataDir)].sort()) {
      if (before.has(f)) continue;
      const body = readFileSync(join(dir, f), 'utf8');
      // Parse the message rather than grep the file: headers (Message-ID, Date) hold digits too.
      const text = f.endsWith('.json')
        ? String(JSON.parse(body).text)
        : String((await simpleParser(body)).text);
      const code = /\b(\d{6})\b/.exec(text);
      if (code) return { code: code[1]!, file: f };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no new activation code in ${dir}`);
}
