// The load generator of `npm run bench`, in its own process so that its CPU is not counted as the server's:
//   node --import tsx bench/load.ts '<LoadJob as JSON>'
// drives one scenario with autocannon against 127.0.0.1 and prints one JSON LoadResult line.
// Forms are fetched (not timed) before the timed part: each sign-in or recovery start spends a fresh
// picture challenge with its own CSRF cookie, exactly as a browser that loaded the page would.
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import autocannon, { type AutocannonRequest, type Instance, type Options, type Result } from 'autocannon';
import { KNOWN_ANSWER_INDEX } from '../test/helpers/serve-known.js';
import { csrfOf, pictureAnswer, pictureUrlsOf } from '../test/scale/http-browser.js';

export type Scenario = 'sign-in' | 'pages' | 'recovery' | 'codes';

export interface LoadJob {
  readonly scenario: Scenario;
  readonly url: string;
  readonly connections: number;
  /** sign-in and recovery: how many forms to fetch first, hence how many operations are timed. */
  readonly amount?: number;
  /** pages and codes: how long to load. */
  readonly seconds?: number;
  /** Fixed overall request rate (latency rounds); none means as fast as the server answers. */
  readonly rate?: number;
  readonly memberFirst: number;
  readonly memberCount: number;
  readonly password: string;
  /** recovery writes the flows it started there; codes reads them. */
  readonly flowsFile?: string;
  /** Quiet time between fetching the forms and the timed part (PostgreSQL statistics flush meanwhile). */
  readonly pauseMs?: number;
}

export interface LoadResult {
  readonly scenario: Scenario;
  /** Completed operations (a sign-in, a page view with its six pictures, a recovery start, a code check). */
  readonly ok: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly loadCpuSeconds: number;
}

interface Form {
  readonly cookie: string;
  readonly fields: Record<string, string>;
}

interface Flow {
  readonly path: string;
  readonly cookie: string;
  readonly csrf: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function cookiesOf(headers: Record<string, string | string[] | undefined>): string[] {
  const raw = headers['set-cookie'];
  return (Array.isArray(raw) ? raw : raw ? [raw] : []).map((c) => c.split(';')[0] as string);
}

function getPage(url: string): Promise<{ body: string; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    request(url, { agent, headers: { 'accept-language': 'fr' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ body, cookies: cookiesOf(res.headers) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** `count` pages of `path`, each with its own CSRF cookie and a fresh challenge answered right. */
async function fetchForms(url: string, path: string, count: number): Promise<Form[]> {
  const forms: Form[] = [];
  const lane = async (): Promise<void> => {
    while (forms.length < count) {
      const page = await getPage(url + path);
      forms.push({
        cookie: page.cookies.join('; '),
        fields: { _csrf: csrfOf(page.body) ?? '', ...pictureAnswer(page.body, KNOWN_ANSWER_INDEX) },
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return forms.slice(0, count);
}

const formHeaders = (url: string, cookie: string): Record<string, string> => ({
  'content-type': 'application/x-www-form-urlencoded',
  origin: new URL(url).origin,
  cookie,
  'accept-language': 'fr',
});

function memberNumber(job: LoadJob, i: number): string {
  return String(job.memberFirst + (i % job.memberCount));
}

/**
 * autocannon, timed from the first request to the last response. autocannon itself ends a run on its next
 * one-second tick after the last response, which would take up to a second off every rate.
 */
async function measured(options: Options, onInstance?: (instance: Instance) => void): Promise<Result> {
  const first = Date.now();
  let last = first;
  const instance = autocannon(options);
  instance.on('response', () => {
    last = Date.now();
  });
  onInstance?.(instance);
  const result = await instance;
  return { ...result, start: new Date(first), finish: new Date(last) };
}

/** Tells the bench that the timed part starts now (its server CPU and RSS readings start here). */
async function startTimer(job: LoadJob): Promise<NodeJS.CpuUsage> {
  // autocannon sets up its histograms (WebAssembly) on first use: not in the timed part.
  await autocannon({ url: `${job.url}/healthz`, connections: 1, amount: 5 });
  if (job.pauseMs) await new Promise((r) => setTimeout(r, job.pauseMs));
  process.stdout.write('{"event":"timed"}\n');
  return process.cpuUsage();
}

function count(result: Result, status: string): number {
  return Number(result.statusCodeStats[status]?.count ?? 0);
}

function summarise(job: LoadJob, result: Result, ok: number, cpu0: NodeJS.CpuUsage): LoadResult {
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const statuses: Record<string, number> = {};
  for (const [status, s] of Object.entries(result.statusCodeStats)) statuses[status] = Number(s.count);
  return {
    scenario: job.scenario,
    ok,
    seconds,
    perSecond: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses,
    errors: result.errors + result.timeouts,
    loadCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

async function signIn(job: LoadJob): Promise<LoadResult> {
  const forms = await fetchForms(job.url, '/connexion', job.amount ?? 1000);
  // Built before the timed part: the load generator shares the machine's cores with the server.
  const requests = forms.map((form, i) => ({
    headers: formHeaders(job.url, form.cookie),
    body: new URLSearchParams({
      ...form.fields,
      member_number: memberNumber(job, i),
      password: job.password,
    }).toString(),
  }));
  let next = 0;
  const post: AutocannonRequest = {
    method: 'POST',
    path: '/connexion',
    setupRequest: (req) => ({ ...req, ...requests[Math.min(next++, requests.length - 1)] }),
  };
  const cpu0 = await startTimer(job);
  if (!job.rate) {
    const result = await measured({
      url: job.url,
      connections: job.connections,
      amount: forms.length,
      timeout: 30,
      requests: [post],
    });
    return summarise(job, result, count(result, '303'), cpu0);
  }
  // A fixed rate. autocannon's overallRate lets each connection send its quota for the second back to back
  // as the second starts, so a single instance offers its whole rate in one burst and measures queueing
  // behind that burst. Ten one-connection instances started a tenth of a second apart spread the same
  // rate over the second, as independent clients would.
  const lanes = Math.min(10, job.rate);
  const share = (x: number, k: number): number => Math.floor(x / lanes) + (k < x % lanes ? 1 : 0);
  const latencies: number[] = [];
  const results = await Promise.all(
    Array.from({ length: lanes }, async (_, k) => {
      await new Promise((r) => setTimeout(r, (k * 1000) / lanes));
      return measured(
        {
          url: job.url,
          connections: 1,
          amount: share(forms.length, k),
          overallRate: share(job.rate ?? 1, k),
          timeout: 30,
          requests: [post],
        },
        (instance) => instance.on('response', (_client, _status, _bytes, time) => latencies.push(time)),
      );
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const statusCodeStats: Result['statusCodeStats'] = {};
  for (const r of results) {
    for (const [status, c] of Object.entries(r.statusCodeStats)) {
      statusCodeStats[status] = { count: (statusCodeStats[status]?.count ?? 0) + Number(c.count) };
    }
  }
  const merged: Result = {
    ...(results[0] as Result),
    latency: { average: 0, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies.at(-1) ?? 0 },
    errors: results.reduce((n, r) => n + r.errors, 0),
    timeouts: results.reduce((n, r) => n + r.timeouts, 0),
    start: new Date(Math.min(...results.map((r) => r.start.getTime()))),
    finish: new Date(Math.max(...results.map((r) => r.finish.getTime()))),
    statusCodeStats,
  };
  return summarise(job, merged, count(merged, '303'), cpu0);
}

async function pageViews(job: LoadJob): Promise<LoadResult> {
  let pages = 0;
  let pictures = 0;
  const pictureRequest = (n: number): AutocannonRequest => ({
    method: 'GET',
    setupRequest: (req, context) => {
      const urls = context.pictures as string[] | undefined;
      return urls?.[n] ? { ...req, path: urls[n] } : undefined;
    },
    onResponse: (status) => {
      if (status === 200) pictures++;
    },
  });
  const cpu0 = await startTimer(job);
  const result = await measured({
    url: job.url,
    connections: job.connections,
    duration: job.seconds ?? 5,
    timeout: 30,
    requests: [
      {
        method: 'GET',
        path: '/connexion',
        headers: { 'accept-language': 'fr' },
        onResponse: (status, body, context) => {
          context.pictures = status === 200 ? pictureUrlsOf(body) : [];
          if (status === 200) pages++;
        },
      },
      ...Array.from({ length: 6 }, (_, n) => pictureRequest(n)),
    ],
  });
  // A page view counts once its HTML and its six pictures were served.
  return summarise(job, result, Math.min(pages, Math.floor(pictures / 6)), cpu0);
}

async function recoveryStarts(job: LoadJob): Promise<LoadResult> {
  const forms = await fetchForms(job.url, '/mot-de-passe-oublie/numero', job.amount ?? 1000);
  const flows: Flow[] = [];
  let next = 0;
  const cpu0 = await startTimer(job);
  const result = await measured({
    url: job.url,
    connections: job.connections,
    amount: forms.length * 2,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/mot-de-passe-oublie/numero',
        setupRequest: (req, context) => {
          const i = Math.min(next++, forms.length - 1);
          const form = forms[i] as Form;
          context.form = form;
          const fields = { ...form.fields, member_number: memberNumber(job, i) };
          return {
            ...req,
            headers: formHeaders(job.url, form.cookie),
            body: new URLSearchParams(fields).toString(),
          };
        },
        onResponse: (status, _body, context, headers) => {
          const form = context.form as Form;
          const location = headers.location;
          context.flow =
            status === 303 && typeof location === 'string'
              ? {
                  path: location,
                  cookie: [form.cookie, ...cookiesOf(headers)].join('; '),
                  csrf: form.fields._csrf ?? '',
                }
              : undefined;
        },
      },
      {
        method: 'POST',
        setupRequest: (req, context) => {
          const flow = context.flow as Flow | undefined;
          if (!flow) return undefined;
          return {
            ...req,
            path: `${flow.path}/envoyer`,
            headers: formHeaders(job.url, flow.cookie),
            body: new URLSearchParams({ _csrf: flow.csrf, channel: 'email' }).toString(),
          };
        },
        onResponse: (status, _body, context) => {
          if (status === 303) flows.push(context.flow as Flow);
        },
      },
    ],
  });
  if (job.flowsFile) writeFileSync(job.flowsFile, JSON.stringify(flows));
  return summarise(job, result, flows.length, cpu0);
}

async function codeChecks(job: LoadJob): Promise<LoadResult> {
  const flows = JSON.parse(readFileSync(job.flowsFile ?? '', 'utf8')) as Flow[];
  // Five wrong codes per flow at most (the fifth closes it), spread over the run.
  const checks = Array.from({ length: 5 }, () => flows).flat();
  let next = 0;
  let checked = 0;
  const cpu0 = await startTimer(job);
  const result = await measured({
    url: job.url,
    connections: job.connections,
    amount: checks.length,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const flow = checks[Math.min(next++, checks.length - 1)] as Flow;
          return {
            ...req,
            path: `${flow.path}/code`,
            headers: formHeaders(job.url, flow.cookie),
            body: new URLSearchParams({ _csrf: flow.csrf, code: '000000' }).toString(),
          };
        },
        onResponse: (status, body) => {
          if (status === 400 && /Code d’activation incorrect|Trop de codes incorrects/.test(body)) checked++;
        },
      },
    ],
  });
  return summarise(job, result, checked, cpu0);
}

const RUNNERS: Record<Scenario, (job: LoadJob) => Promise<LoadResult>> = {
  'sign-in': signIn,
  pages: pageViews,
  recovery: recoveryStarts,
  codes: codeChecks,
};

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob;
RUNNERS[job.scenario](job).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    agent.destroy();
  },
  (err: unknown) => {
    process.stderr.write(`load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
