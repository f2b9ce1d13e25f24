// `sesame serve` / `npm start`: validated configuration, migrated store, demo members on an empty
// development database, the delivery worker, the HTTP server, and a graceful stop on SIGTERM.
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/index.js';
import { createTransports } from './delivery/transports.js';
import { type DeliveryWorker, startDeliveryWorker } from './delivery/worker.js';
import { startHousekeeping } from './housekeeping.js';
import { demoMembersHelp, loadDemoMembers } from './members/demo.js';
import { createServices, type ServiceOverrides, type Services } from './services.js';
import { createWebApp } from './web/routes.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly worker: DeliveryWorker;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startServer(config: Config, overrides: ServiceOverrides = {}): Promise<RunningServer> {
  const services = await createServices(config, overrides);
  const { logger, store, clock } = services;
  if (config.antiRobot === 'off') {
    logger.warn(
      'SESAME_ANTI_ROBOT=off: sign-in and recovery have NO anti-robot check. Never use this in production.',
    );
  }
  if (config.env !== 'production') {
    const count = await store.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    if (Number(count?.n ?? 0) === 0) {
      await loadDemoMembers(store, clock.now());
      process.stdout.write(`\n${demoMembersHelp(config.dataDir)}\n`);
    }
  }
  const transports = createTransports(config, clock);
  const worker = startDeliveryWorker({
    store,
    transports,
    clock,
    random: services.random,
    brand: { insurerName: config.insurerName, insurerPhone: config.insurerPhone },
    logger,
    pollMs: config.outboxPollMs,
  });
  const app = await createWebApp({ ...services, workerLastTick: () => worker.lastTickAt() });
  await services.antiRobotService.warmUp();
  const housekeeping = startHousekeeping(services);
  const address = await app.listen({ host: config.host, port: config.port });
  if (config.env !== 'production') {
    const port = (app.server.address() as { port: number } | null)?.port ?? config.port;
    const host = config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host;
    process.stdout.write(`\nSésame est prêt : ouvrez http://${host}:${port}/ (Sésame is ready)\n\n`);
  }
  logger.info(
    { address, email: transports.kinds.email, sms: transports.kinds.sms, database: store.dialect },
    'listening',
  );
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      housekeeping.stop();
      await app.close(); // stops accepting, lets requests in flight finish
      await worker.stop(); // flushes the sends in flight
      await transports.close();
      await services.close();
    })();
    return stopping;
  };
  return { app, services, worker, url: address, stop };
}
