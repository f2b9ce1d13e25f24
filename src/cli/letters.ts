import { createWriteStream, existsSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import { formatDate } from '../i18n/format.js';
import {
  LetterBatchError,
  markBatchPosted,
  type PrintResult,
  printPendingLetters,
  reprintBatch,
} from '../letters/batches.js';
import { letterSettingsFromConfig } from '../letters/pdf.js';
import { pendingLetters } from '../letters/status.js';
import { hashParamsFromConfig } from '../passwords/hashing.js';
import { DAY, systemClock } from '../platform/clock.js';
import { cryptoRandom } from '../platform/random.js';
import { withStore } from './store.js';

function outputPath(out: string | undefined, now: number): string {
  return out ?? `courriers-${new Date(now).toISOString().slice(0, 10)}.pdf`;
}

/**
 * The PDF holds provisional passwords in clear: created new with mode 0600 ('wx' fails if a file appears
 * meanwhile), never reusing an existing file's looser permissions, never overwriting unless asked.
 */
function openSecretFile(path: string, force: boolean): NodeJS.WritableStream {
  if (existsSync(path)) {
    if (!force)
      throw new LetterBatchError(`le fichier ${path} existe déjà (utilisez --force pour l’écraser)`);
    rmSync(path);
  }
  return createWriteStream(path, { flags: 'wx', mode: 0o600 });
}

function reportSetAside(result: PrintResult): void {
  for (const f of result.flagged)
    process.stdout.write(`À traiter : courrier ${f.letterId} (N° ${f.memberNumber}) — ${f.reason}\n`);
  for (const w of result.withdrawn) {
    process.stdout.write(
      `Retirez la page ${w.page} (courrier ${w.letterId}, N° ${w.memberNumber}) : annulé pendant l’impression.\n`,
    );
  }
}

function batchNumber(raw: string): number {
  const n = Number(raw);
  if (!/^\d{1,12}$/.test(raw) || !Number.isSafeInteger(n))
    throw new LetterBatchError(`numéro de lot invalide : ${raw.slice(0, 20)}`);
  return n;
}

export function registerLetterCommands(program: Command): void {
  const letters = program.command('letters').description('courriers de mot de passe provisoire');

  letters
    .command('print')
    .description('imprime tous les courriers en attente dans un PDF (un par page, triés par code postal)')
    .option('--out <file>', 'fichier PDF à écrire (défaut : courriers-AAAA-MM-JJ.pdf)')
    .option('--force', 'écrase le fichier s’il existe')
    .action(async (opts: { out?: string; force?: boolean }) =>
      withStore(async (store, config) => {
        const now = systemClock.now();
        const path = outputPath(opts.out, now);
        if (existsSync(path) && !opts.force)
          throw new LetterBatchError(`le fichier ${path} existe déjà (utilisez --force pour l’écraser)`);
        // Written once, mode 0600: it holds provisional passwords in clear and is not kept by the server.
        const out = createWriteStream(path, { mode: 0o600 });
        const result = await printPendingLetters(
          {
            store,
            clock: systemClock,
            random: cryptoRandom,
            hashParams: hashParamsFromConfig(config),
            settings: letterSettingsFromConfig(config, `${config.publicUrl}/connexion`),
          },
          out,
          'cli',
        );
        // Nothing printed: no empty file left behind to be mistaken for a batch.
        if (result.batchId === null) rmSync(path, { force: true });
        reportSetAside(result);
        process.stdout.write(
          result.batchId === null
            ? 'Aucun courrier en attente.\n'
            : `Lot ${result.batchId} : ${result.printed} courrier(s) dans ${path}. Après envoi : sesame letters posted ${result.batchId}\n`,
        );
      }),
    );

  letters
    .command('posted')
    .description('marque un lot comme posté')
    .argument('<batch>', 'numéro du lot')
    .action(async (raw: string) =>
      withStore(async (store) => {
        const n = await markBatchPosted(store, batchNumber(raw), systemClock.now(), 'cli');
        process.stdout.write(`Lot ${raw} : ${n} courrier(s) marqué(s) comme posté(s).\n`);
      }),
    );

  letters
    .command('reprint')
    .description('réimprime un lot (les anciens mots de passe provisoires cessent aussitôt de fonctionner)')
    .argument('<batch>', 'numéro du lot')
    .option('--out <file>', 'fichier PDF à écrire')
    .option('--force', 'écrase le fichier s’il existe')
    .action(async (raw: string, opts: { out?: string; force?: boolean }) =>
      withStore(async (store, config) => {
        const now = systemClock.now();
        const path = outputPath(opts.out, now);
        const out = openSecretFile(path, Boolean(opts.force));
        const result = await reprintBatch(
          {
            store,
            clock: systemClock,
            random: cryptoRandom,
            hashParams: hashParamsFromConfig(config),
            settings: letterSettingsFromConfig(config, `${config.publicUrl}/connexion`),
          },
          batchNumber(raw),
          out,
          'cli',
        );
        reportSetAside(result);
        process.stdout.write(
          `Lot ${raw} annulé ; nouveau lot ${result.batchId} : ${result.printed} courrier(s) dans ${path}.\n`,
        );
      }),
    );

  letters
    .command('status')
    .description('liste les courriers en attente et ceux en retard (plus de 8 jours)')
    .action(async () =>
      withStore(async (store) => {
        const now = systemClock.now();
        const rows = await pendingLetters(store, now);
        if (rows.length === 0) {
          process.stdout.write('Aucun courrier en attente.\n');
          return;
        }
        const late = rows.filter((r) => r.late).length;
        process.stdout.write(`${rows.length} courrier(s) en attente, dont ${late} en retard.\n`);
        for (const r of rows) {
          const age = Math.floor((now - r.requestedAt) / DAY);
          process.stdout.write(
            `${r.late ? 'RETARD ' : '       '}courrier ${r.id}  N° ${r.memberNumber}  ${r.status}${r.batchId ? ` (lot ${r.batchId})` : ''}  demandé le ${formatDate('fr', r.requestedAt)} (${age} j)${r.flagReason ? `  — ${r.flagReason}` : ''}\n`,
          );
        }
      }),
    );
}
