export { ConfigError, configTableMarkdown, loadConfig, readEnvironment } from './load.js';
export type { Config } from './schema.js';
