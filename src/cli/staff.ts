// `sesame staff …`: the first staff account is made here (issue 6); the next ones from the back office.
// The password is read from standard input, or typed without echo on a terminal, never from the command
// line (where it would stay in the shell history and in `ps`).
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { STAFF_ROLES } from '../admin/roles.js';
import {
  createStaff,
  findStaffByUsername,
  listStaff,
  normaliseUsername,
  resetStaffTotp,
  StaffRefusal,
} from '../admin/staff.js';
import { fr as texts } from '../admin/texts.js';
import { recordAudit } from '../audit/audit.js';
import { loadConfig, readEnvironment } from '../config/index.js';
import { hashParamsFromConfig } from '../passwords/hashing.js';
import { describePolicy, describeRule } from '../passwords/policy.js';
import { fr as passwordTexts } from '../passwords/texts.js';
import { endOtherSessions } from '../sessions/sessions.js';
import { withStore } from './store.js';

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  process.stderr.write(question);
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** The first line of standard input when piped (`printf '%s\n' "$PW" | sesame staff create …`). */
async function readPipedLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPipedLine();
  const first = await promptHidden('Mot de passe : ');
  const again = await promptHidden('Confirmation du mot de passe : ');
  if (first !== again) throw new Error('La confirmation ne correspond pas au mot de passe.');
  return first;
}

export function registerStaffCommands(program: Command): void {
  const staff = program.command('staff').description('comptes du personnel (espace gestion /admin)');

  staff
    .command('create')
    .description('crée un compte ; le mot de passe est lu sur l’entrée standard ou saisi sans écho')
    .requiredOption('--username <username>', 'identifiant (lettres minuscules, chiffres, point, tiret)')
    .requiredOption('--name <name>', 'nom affiché')
    .option('--role <role>', `rôle : ${STAFF_ROLES.join(', ')}`, 'agent')
    .action(async (opts: { username: string; name: string; role: string }) => {
      const config = loadConfig(readEnvironment());
      const password = await readNewPassword();
      await withStore(async (store) => {
        try {
          const created = await createStaff(
            store.db,
            { username: opts.username, displayName: opts.name, role: opts.role, password },
            { now: Date.now(), hashParams: hashParamsFromConfig(config), policy: config.passwordPolicy },
          );
          await recordAudit(
            store.db,
            {
              event: 'staff-created',
              outcome: 'success',
              actor: 'system',
              details: { username: created.username, role: created.role, via: 'cli' },
            },
            Date.now(),
          );
          process.stdout.write(
            `Compte créé : ${created.username} (${texts.roles[created.role]}).\n` +
              'La double authentification sera activée à la première connexion, sur /admin/connexion.\n',
          );
        } catch (e) {
          if (!(e instanceof StaffRefusal)) throw e;
          const policy = describePolicy(config.passwordPolicy);
          const rules = e.failedRules
            .map((id) => `  - ${describeRule(passwordTexts, id, policy)}\n`)
            .join('');
          process.stderr.write(`${texts.team.refusals[e.reason]}\n${rules}`);
          process.exitCode = 1;
        }
      });
    });

  staff
    .command('list')
    .description('liste les comptes du personnel')
    .action(async () => {
      await withStore(async (store) => {
        for (const m of await listStaff(store.db)) {
          const totp = m.totpEnrolled ? texts.team.totpOn : texts.team.totpPending;
          process.stdout.write(
            `${m.username}\t${m.displayName}\t${texts.roles[m.role]}\t${texts.team.statuses[m.status]}\t${totp}\n`,
          );
        }
      });
    });

  staff
    .command('reset-2fa')
    .description('réinitialise la double authentification (téléphone perdu) et ferme les sessions du compte')
    .argument('<username>', 'identifiant')
    .action(async (username: string) => {
      await withStore(async (store) => {
        const row = await findStaffByUsername(store.db, normaliseUsername(username) ?? '');
        if (!row) {
          process.stderr.write(`Aucun compte « ${username.slice(0, 64)} ».\n`);
          process.exitCode = 1;
          return;
        }
        await resetStaffTotp(store.db, row.id);
        await endOtherSessions(store.db, 'staff', row.id);
        await recordAudit(
          store.db,
          {
            event: 'staff-totp-reset',
            outcome: 'success',
            actor: 'system',
            staffId: row.id,
            details: { username: row.username, via: 'cli' },
          },
          Date.now(),
        );
        process.stdout.write(`${texts.team.totpReset({ username: row.username })}\n`);
      });
    });
}
