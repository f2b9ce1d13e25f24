import { createWriteStream, existsSync, rmSync, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { formatDate } from '../i18n/format.js';
import {
  type BatchDeps,
  LetterBatchError,
  markBatchPosted,
  PRINT_IN_PROGRESS,
  type PrintResult,
  printClaimedLetters,
  reprintBatch,
} from '../letters/batches.js';
import { claimPendingLetters, releaseClaim } from '../letters/claims.js';
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
function openSecretFile(path: string, force: boolean): WriteStream {
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
        const deps: BatchDeps = {
          store,
          clock: systemClock,
          random: cryptoRandom,
          hashParams: hashParamsFromConfig(config),
          settings: letterSettingsFromConfig(config, `${config.publicUrl}/connexion`),
        };
        // Claimed before the file is opened: a print already under way leaves no file and no doubt.
        const outcome = await claimPendingLetters(deps, 'cli');
        if (outcome.status === 'busy') throw new LetterBatchError(PRINT_IN_PROGRESS);
        if (outcome.status === 'empty') {
          reportSetAside({ batchId: null, printed: 0, flagged: outcome.flagged, withdrawn: [] });
          process.stdout.write('Aucun courrier en attente.\n');
          return;
        }
        const { claim } = outcome;
        let out: WriteStream;
        try {
          out = openSecretFile(path, Boolean(opts.force));
        } catch (error) {
          await releaseClaim(store, claim.batchId, claim.createdBy, systemClock.now(), 'output file refused');
          throw error;
        }
        let opened = false;
        out.once('open', () => {
          opened = true;
        });
        let result: PrintResult;
        try {
          result = await printClaimedLetters(deps, claim, out);
        } catch (error) {
          // The claim is released and the passwords of a partial file never worked: leave no such file
          // (only ours: a file that appeared before 'wx' opened is someone else's).
          if (opened) rmSync(path, { force: true });
          throw error;
        }
        reportSetAside(result);
        process.stdout.write(
          `Lot ${result.batchId} : ${result.printed} courrier(s) dans ${path}. Après envoi : sesame letters posted ${result.batchId}\n`,
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
