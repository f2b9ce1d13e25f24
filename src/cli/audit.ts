// `sesame audit export` and `sesame audit purge` (issue 6): the same CSV as the back office's button, and
// the retention purge an operator can run from cron (the server also runs it daily).
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { auditCsvStream, exportFilter, purgeOldAudit } from '../admin/audit-log.js';
import { parseDateInput } from '../admin/days.js';
import { recordAudit } from '../audit/audit.js';
import { loadConfig, readEnvironment } from '../config/index.js';
import { withStore } from './store.js';

function checkDate(value: string | undefined, option: string): void {
  if (value !== undefined && parseDateInput(value) === undefined) {
    throw new Error(`${option} : date invalide « ${value.slice(0, 20)} » (format attendu AAAA-MM-JJ).`);
  }
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('journal d’audit');

  audit
    .command('export')
    .description('exporte le journal en CSV (UTF-8, point-virgule), jours de Paris inclus')
    .option('--from <date>', 'premier jour inclus (AAAA-MM-JJ)')
    .option('--to <date>', 'dernier jour inclus (AAAA-MM-JJ)')
    .option('--out <file>', 'fichier de sortie (par défaut : la sortie standard)')
    .action(async (opts: { from?: string; to?: string; out?: string }) => {
      checkDate(opts.from, '--from');
      checkDate(opts.to, '--to');
      await withStore(async (store) => {
        const out = opts.out ? createWriteStream(opts.out, { mode: 0o600 }) : process.stdout;
        await pipeline(auditCsvStream(store, exportFilter(opts.from, opts.to)), out, {
          end: Boolean(opts.out),
        });
        await recordAudit(
          store.db,
          {
            event: 'audit-exported',
            outcome: 'success',
            actor: 'system',
            details: { via: 'cli', from: opts.from ?? '', to: opts.to ?? '' },
          },
          Date.now(),
        );
        if (opts.out) process.stderr.write(`Journal exporté dans ${opts.out}.\n`);
      });
    });

  audit
    .command('purge')
    .description('supprime les événements plus anciens que la durée de conservation')
    .option('--days <n>', 'durée de conservation en jours (par défaut : SESAME_AUDIT_RETENTION_DAYS)')
    .action(async (opts: { days?: string }) => {
      const config = loadConfig(readEnvironment());
      const days = opts.days === undefined ? config.auditRetentionDays : Number(opts.days);
      if (!Number.isInteger(days) || days < 1 || days > 3650)
        throw new Error('--days : un nombre entier de 1 à 3650 est attendu.');
      await withStore(async (store) => {
        const now = Date.now();
        const deleted = await purgeOldAudit(store, now, days);
        await recordAudit(
          store.db,
          {
            event: 'audit-purged',
            outcome: 'success',
            actor: 'system',
            details: { via: 'cli', days, deleted },
          },
          now,
        );
        process.stdout.write(`${deleted} événement(s) de plus de ${days} jours supprimé(s).\n`);
      });
    });
}
