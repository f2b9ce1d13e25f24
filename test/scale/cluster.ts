// Processes for the scale-out test and the bench: Sésame servers with a known picture answer
// (test/helpers/serve-known.ts) in child processes, and Debian's nginx in front of them with a generated
// configuration in a temporary folder (nothing under /etc or /var is read or written).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { READY_EVENT } from '../helpers/serve-known.js';

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const SERVE_KNOWN = fileURLToPath(new URL('../helpers/serve-known.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Why the nginx test is skipped, or undefined when it runs. Under CI a missing nginx is fatal. */
export function nginxSkipReason(): string | undefined {
  if (existsSync(NGINX)) return undefined;
  if (process.env.CI === 'true') throw new Error(`nginx is required under CI and missing at ${NGINX}`);
  const notice = `nginx not found at ${NGINX}: load-balancer test skipped (apt-get install nginx-light)`;
  console.warn(`NOTICE: ${notice}`);
  return notice;
}

/** A free TCP port on 127.0.0.1 (closed again at once: the caller binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface KnownServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the process printed on stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts test/helpers/serve-known.ts in a child process with `env` on top of ours; resolves when it listens.
 * `command` replaces the node arguments (the bench runs its compiled twin, bench/serve-compiled.js).
 */
export function startKnownServer(
  env: Record<string, string>,
  options: { command?: readonly string[]; timeoutMs?: number } = {},
): Promise<KnownServer> {
  const args = options.command ?? ['--import', 'tsx', SERVE_KNOWN];
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<KnownServer>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve-known did not start in time:\n${out}`));
    }, options.timeoutMs ?? 60_000);
    // Only the tail is kept: a process under load at log level info prints a lot.
    const keep = (c: Buffer): void => {
      out = (out + c.toString()).slice(-65_536);
    };
    child.stderr?.on('data', keep);
    let started = false;
    child.stdout?.on('data', (c: Buffer) => {
      keep(c);
      if (started) return;
      const line = out.split('\n').find((l) => l.includes(READY_EVENT));
      if (!line) return;
      started = true;
      const ready = JSON.parse(line) as { url: string; pid: number };
      clearTimeout(timer);
      resolve({
        url: ready.url,
        port: Number(new URL(ready.url).port),
        pid: ready.pid,
        child,
        output: () => out,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve-known exited with ${code}:\n${out}`));
    });
  });
}

export interface Nginx {
  readonly url: string;
  readonly port: number;
  /** Lines of the access log: `CLIENT METHOD PATH STATUS UPSTREAM`, one per request. */
  accessLog(): string[];
  stop(): Promise<void>;
}

/** The configuration the test runs, also the sample of docs/deployment.md (same directives). */
export function nginxConfig(dir: string, port: number, upstreams: readonly string[]): string {
  // Running as root (CI), nginx would switch its workers to `nobody`, who cannot write in our temp folder.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `${user}daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  log_format upstream '$remote_addr $request_method $uri $status $upstream_addr';
  access_log ${dir}/access.log upstream;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream sesame {
    # Round-robin, no stickiness: any process serves any request.
${upstreams.map((u) => `    server ${u};`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 64k;
    location / {
      proxy_pass http://sesame;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      # The edge proxy overwrites what the client sent: Sésame trusts these only from SESAME_TRUST_PROXY.
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
    }
  }
}
`;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts nginx in the foreground with a generated configuration under `dir`, on `port` (default: a free one). */
export async function startNginx(dir: string, upstreams: readonly string[], port?: number): Promise<Nginx> {
  mkdirSync(dir, { recursive: true });
  port ??= await freePort();
  const listenPort = port;
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, listenPort, upstreams));
  const child = spawn(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForPort(listenPort, 15_000),
      exited.then(() => {
        throw new Error(`nginx exited: ${err}${readIfExists(join(dir, 'error.log'))}`);
      }),
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const accessLog = join(dir, 'access.log');
  return {
    url: `http://127.0.0.1:${listenPort}`,
    port: listenPort,
    accessLog: () => readIfExists(accessLog).split('\n').filter(Boolean),
    async stop() {
      // SIGQUIT: graceful shutdown of the master and its worker.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

function readIfExists(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/**
 * A TCP relay to a Redis server that the test can cut: the Sésame processes talk to Redis through it, so a
 * test can take "Redis" away from them without stopping the machine's Redis that other tests share.
 */
export interface CuttableRelay {
  readonly port: number;
  cut(): Promise<void>;
}

export async function startRelay(targetPort: number, targetHost = '127.0.0.1'): Promise<CuttableRelay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  return {
    port,
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
