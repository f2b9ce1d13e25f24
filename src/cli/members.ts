import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../config/index.js';
import { describeMember, formatImportSummary, ImportError, importMembers } from '../members/import.js';
import { findMemberByNumber } from '../members/repository.js';
import { migrate, openStore } from '../store/db.js';
import { importProgressBar } from './progress.js';

export function registerMemberCommands(program: Command): void {
  const members = program.command('members').description('registre des adhérents');

  members
    .command('import')
    .description('importe un fichier CSV d’adhérents (mise à jour par N° adhérent, tout ou rien)')
    .argument('<file>', 'fichier CSV UTF-8, séparateur virgule ou point-virgule')
    .option('--skip-invalid', 'importe les lignes valides et ignore les autres (listées)')
    .action(async (file: string, opts: { skipInvalid?: boolean }) => {
      const config = loadConfig(readEnvironment());
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw new Error(`fichier introuvable : ${file}`);
      const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      const bar = importProgressBar(info.size);
      try {
        await migrate(store);
        const summary = await importMembers(store, createReadStream(file), {
          skipInvalid: Boolean(opts.skipInvalid),
          memberNumberPattern: config.memberNumberPattern,
          now: Date.now(),
          onProgress: bar?.update,
        });
        bar?.stop();
        process.stdout.write(`${formatImportSummary(summary)}\n`);
      } catch (e) {
        bar?.stop();
        if (e instanceof ImportError) {
          process.stderr.write(`${e.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw e;
      } finally {
        await store.close();
      }
    });

  members
    .command('show')
    .description('affiche un adhérent (coordonnées masquées comme sur les pages)')
    .argument('<number>', 'N° adhérent')
    .action(async (number: string) => {
      const config = loadConfig(readEnvironment());
      const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(store);
        const member = await findMemberByNumber(store.db, number.trim().slice(0, 64));
        if (!member) {
          process.stderr.write(`Aucun adhérent avec le N° ${number.slice(0, 64)}.\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`${describeMember(member)}\n`);
      } finally {
        await store.close();
      }
    });
}
