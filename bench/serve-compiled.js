// BENCH-ONLY entry point: the compiled twin of test/helpers/serve-known.ts, in plain JavaScript so that the
// measured server runs exactly what `npm start` runs (dist/, no TypeScript loader in the process: tsx alone
// adds about 40 MiB of RSS). It starts the real server with a picture source whose right picture sits at
// the position given as first argument; only code that builds the server can pass such a source.
//   node bench/serve-compiled.js <answer index 0–5>
// Same output as serve-known.ts: one line {"event":"sesame-ready","url":…,"pid":…} when listening.

import { WORDS } from '../dist/anti-robot/words.js';
import { loadConfig, readEnvironment } from '../dist/config/index.js';
import { startServer } from '../dist/server.js';

const answerIndex = Number(process.argv[2]);
if (!Number.isInteger(answerIndex) || answerIndex < 0 || answerIndex > 5) {
  process.stderr.write('usage: node bench/serve-compiled.js <answer index 0-5>\n');
  process.exit(2);
}
// « vélo » and the first word of five other families, as fixedChallengeSource() builds by default.
const answer = WORDS.find((w) => w.id === 'bicycle');
const decoys = WORDS.filter((w) => w.family !== answer.family)
  .filter((w, i, all) => all.findIndex((o) => o.family === w.family) === i)
  .slice(0, 5);
const pictures = [...decoys];
pictures.splice(answerIndex, 0, answer);
const layout = { answer, pictures };

const server = await startServer(loadConfig(readEnvironment()), {
  challengeSource: { pickLayout: () => layout },
});
const { port } = server.app.server.address();
process.stdout.write(
  `${JSON.stringify({ event: 'sesame-ready', url: `http://127.0.0.1:${port}`, pid: process.pid })}\n`,
);
const stop = () => {
  server.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
