// TEST-ONLY entry point: the real server (startServer, the same code `sesame serve` runs) with a picture
// source whose answer the caller knows, so that a multi-process test or the bench can pass the real
// anti-robot check over HTTP. Production has no setting or request parameter that reaches this source:
// only this file, which no package script or production entry point imports, passes it.
//
//   node --import tsx test/helpers/serve-known.ts
//
// Configuration comes from the environment exactly as for `sesame serve`. When listening, prints one JSON
// line {"event":"sesame-ready","url":…,"pid":…} on stdout; SIGTERM or SIGINT stop it gracefully. The bench
// runs a compiled twin, bench/serve-compiled.js, so that no TypeScript loader weighs on its figures.
import { fileURLToPath } from 'node:url';

/** Position (0–5) of the right picture in every challenge a server started here issues. */
export const KNOWN_ANSWER_INDEX = 4;

export const READY_EVENT = 'sesame-ready';

async function serveKnown(): Promise<void> {
  // Loaded here, not at the top: tests and the bench import the constants above without the whole server.
  const { loadConfig, readEnvironment } = await import('../../src/config/index.js');
  const { startServer } = await import('../../src/server.js');
  const { fixedChallengeSource } = await import('./anti-robot.js');
  const server = await startServer(loadConfig(readEnvironment()), {
    challengeSource: fixedChallengeSource({ answerIndex: KNOWN_ANSWER_INDEX }),
  });
  const { port } = server.app.server.address() as { port: number };
  process.stdout.write(
    `${JSON.stringify({ event: READY_EVENT, url: `http://127.0.0.1:${port}`, pid: process.pid })}\n`,
  );
  const stop = (): void => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  serveKnown().catch((err: unknown) => {
    process.stderr.write(`serve-known: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
