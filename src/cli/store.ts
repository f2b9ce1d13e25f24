import { type Config, loadConfig, readEnvironment } from '../config/index.js';
import { migrate, openStore, type Store } from '../store/db.js';

/** Runs a command against the configured store, migrated, and always closes it. */
export async function withStore<T>(run: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig(readEnvironment());
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(store);
    return await run(store, config);
  } finally {
    await store.close();
  }
}
