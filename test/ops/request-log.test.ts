// One JSON log line per answered request (issue 7: Fastify's own pair of lines cost a tenth of the event loop
// per sign-in), with what operators read: method, URL, status, duration.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { Browser, buildTestApp, type TestApp } from '../helpers/app.js';
import { sqliteStore, type TestStore } from '../helpers/stores.js';

describe('request log', () => {
  let store: TestStore;
  let t: TestApp;
  const lines: Record<string, unknown>[] = [];
  before(async () => {
    store = await sqliteStore();
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        cb();
      },
    });
    t = await buildTestApp(store, { SESAME_LOG_LEVEL: 'info' }, { logger: pino({ level: 'info' }, sink) });
  });
  after(async () => {
    await t.close();
    await store.dispose();
  });

  it('writes one line per request, after the answer', async () => {
    lines.length = 0;
    const res = await new Browser(t.app).get('/mot-de-passe-oublie');
    assert.equal(res.status, 200);
    const requestLines = lines.filter((l) => typeof l.url === 'string' || l.req !== undefined);
    assert.equal(requestLines.length, 1, JSON.stringify(lines));
    assert.equal(requestLines[0]?.msg, 'request completed');
    assert.equal(requestLines[0]?.method, 'GET');
    assert.equal(requestLines[0]?.url, '/mot-de-passe-oublie');
    assert.equal(requestLines[0]?.status, 200);
    assert.equal(typeof requestLines[0]?.ms, 'number');
  });
});
