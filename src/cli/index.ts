// The `sesame` command (DESIGN.md §6): everything an operator scripts. Errors are printed as one clear
// French message and a non-zero exit, never a stack trace.
import { Command, CommanderError } from 'commander';
import { type Config, ConfigError, loadConfig, readEnvironment } from '../config/index.js';
import { LetterBatchError } from '../letters/batches.js';
import { registerAuditCommands } from './audit.js';
import { registerLetterCommands } from './letters.js';
import { registerMemberCommands } from './members.js';
import { registerStaffCommands } from './staff.js';

export function loadConfigOrExit(): Config {
  return loadConfig(readEnvironment());
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('sesame')
    .description('Sésame — connexion et récupération de compte de l’Espace Adhérent')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(frenchUsageError(str)) });

  program
    .command('serve')
    .description('démarre le serveur HTTP (migrations, démonstration, envoi des messages)')
    .action(async () => {
      const { startServer } = await import('../server.js');
      const server = await startServer(loadConfigOrExit());
      const shutdown = (signal: string) => {
        server.services.logger.info({ signal }, 'stopping');
        server.stop().then(
          () => process.exit(0),
          (err) => {
            server.services.logger.error({ err }, 'stop failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });

  const db = program.command('db').description('base de données');
  db.command('migrate')
    .description('applique les migrations en attente')
    .action(async () => {
      const { migrate, openStore } = await import('../store/db.js');
      const config = loadConfigOrExit();
      const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrate(store);
        process.stdout.write(
          applied.length
            ? `Migrations appliquées : ${applied.join(', ')}\n`
            : 'Base de données déjà à jour.\n',
        );
      } finally {
        await store.close();
      }
    });

  registerMemberCommands(program);
  registerStaffCommands(program);
  registerAuditCommands(program);
  registerLetterCommands(program);
  return program;
}

// commander's own usage errors are English; operators read French everywhere else.
const USAGE_ERRORS: readonly [RegExp, (m: RegExpMatchArray) => string][] = [
  [/missing required argument '([^']+)'/, (m) => `argument obligatoire manquant : ${m[1]}`],
  [/unknown command '([^']+)'/, (m) => `commande inconnue : ${m[1]} (voir sesame --help)`],
  [/unknown option '([^']+)'/, (m) => `option inconnue : ${m[1]}`],
  [/required option '([^']+)' not specified/, (m) => `option obligatoire manquante : ${m[1]}`],
  [/option '([^']+)' argument missing/, (m) => `valeur manquante pour l’option ${m[1]}`],
  [/too many arguments/, () => 'trop d’arguments (voir sesame --help)'],
];

export function frenchUsageError(text: string): string {
  for (const [re, say] of USAGE_ERRORS) {
    const m = text.match(re);
    if (m) return `Erreur : ${say(m)}\n`;
  }
  return text;
}

/** A one-line, operator-readable explanation of a failure (no stack trace). */
export function describeFailure(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof LetterBatchError) return `Erreur : ${err.message}`;
  const e = err as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED' || /ECONNREFUSED|connect/.test(String(e.message))) {
    return `Base de données injoignable : ${e.message}. Vérifiez SESAME_DATABASE_URL et que le serveur est démarré.`;
  }
  if (e.code === 'EADDRINUSE') return `Le port est déjà utilisé : ${e.message}. Choisissez un autre PORT.`;
  return `Erreur : ${e.message ?? String(err)}`;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`${describeFailure(err)}\n`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  }
}
