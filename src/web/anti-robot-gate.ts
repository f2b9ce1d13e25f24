import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import {
  ALTCHA_ASSET_PATH,
  ALTCHA_CHALLENGE_PATH,
  ALTCHA_FILES,
  ALTCHA_SETUP_SCRIPT,
  type AntiRobot,
  PICTURE_PATH,
  parsePictureFileName,
} from '../anti-robot/index.js';
import { texts } from '../i18n/catalogue.js';
import type { Locale } from '../i18n/types.js';
import { ANTI_ROBOT_SCRIPTS, ANTI_ROBOT_STYLES, AntiRobotFields } from './views/anti-robot.js';

/** What the pages need of the anti-robot check (src/anti-robot): a fresh challenge, and the verdict on a form. */
export interface AntiRobotGate {
  /** A fresh challenge rendered as a form fragment, with the assets it enhances itself with. */
  render(
    locale: Locale,
  ): Promise<{ html: string; scripts: readonly string[]; stylesheets: readonly string[] }>;
  /** Spends the challenge named in the form; false for anything missing, wrong, reused or expired. */
  check(form: unknown): Promise<boolean>;
}

export function antiRobotGate(antiRobot: AntiRobot): AntiRobotGate {
  return {
    async render(locale) {
      const check = await antiRobot.issue(locale);
      const html = (await AntiRobotFields({ check, t: texts(locale) })) as string;
      const off = check.mode === 'off';
      return { html, scripts: off ? [] : ANTI_ROBOT_SCRIPTS, stylesheets: off ? [] : ANTI_ROBOT_STYLES };
    },
    check: (form) => antiRobot.verify(form),
  };
}

/** Single-use pictures, the proof-of-work challenge, and the widget's files from our own origin. */
export function antiRobotRoutes(app: FastifyInstance, deps: { antiRobotService: AntiRobot }): void {
  const ar = deps.antiRobotService;
  app.get(`${PICTURE_PATH}:file`, async (req, reply) => {
    const token = parsePictureFileName((req.params as { file: string }).file);
    const png = token ? await ar.servePicture(token) : null;
    if (!png) return reply.status(404).type('text/plain; charset=utf-8').send('Image expirée ou inconnue');
    // Never cached: each picture exists for one page view only.
    return reply.header('cache-control', 'no-store').type('image/png').send(png);
  });
  app.get(ALTCHA_CHALLENGE_PATH, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return ar.createAltchaChallenge();
  });
  const files = new Map<string, Promise<Buffer>>();
  app.get(`${ALTCHA_ASSET_PATH}:file`, async (req, reply) => {
    const name = (req.params as { file: string }).file;
    if (name === 'setup.js') return reply.type('text/javascript; charset=utf-8').send(ALTCHA_SETUP_SCRIPT);
    const asset = Object.hasOwn(ALTCHA_FILES, name) ? ALTCHA_FILES[name] : undefined;
    if (!asset) return reply.callNotFound();
    let body = files.get(name);
    if (!body) {
      body = readFile(asset.file);
      files.set(name, body);
    }
    return reply
      .header('cache-control', 'public, max-age=3600')
      .type(asset.contentType)
      .send(await body);
  });
}
