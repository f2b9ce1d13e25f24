// Demo members for the embedded default (DESIGN.md §6: loaded on an empty data directory outside
// production): the four contact cases of the guide. None has a password: each starts with « Mot de passe
// oublié, ou première connexion », as a new member does.
// Contacts cannot reach anyone even if a real SMTP or SMS provider is configured: e-mails are at
// example.com (reserved, RFC 2606) and mobiles in 06 39 98 xx xx, the range ARCEP keeps for fiction.
import { join } from 'node:path';
import type { Store } from '../store/db.js';
import { en, fr } from './texts.js';
import { withMemberWriter } from './upsert.js';
import type { MemberInput } from './validate.js';

export const DEMO_MEMBERS: readonly MemberInput[] = [
  {
    member_number: '100001',
    civility: 'Mme',
    first_name: 'Hélène',
    last_name: 'Lefèvre',
    email: 'helene.lefevre@example.com',
    mobile: '+33639980001',
    address_line2: 'Appartement 12',
    address_line3: null,
    address_line4: '8 rue des Tanneurs',
    address_line5: null,
    postal_code: '67000',
    city: 'Strasbourg',
    country: null,
  },
  {
    member_number: '100002',
    civility: 'M.',
    first_name: 'François',
    last_name: 'Nguyễn',
    email: 'francois.nguyen@example.com',
    mobile: null,
    address_line2: null,
    address_line3: 'Résidence Les Érables',
    address_line4: '27 avenue Jean Jaurès',
    address_line5: null,
    postal_code: '69007',
    city: 'Lyon',
    country: null,
  },
  {
    member_number: '100003',
    civility: 'Mme',
    first_name: 'Aïcha',
    last_name: 'Benali',
    email: null,
    mobile: '+33639980003',
    address_line2: null,
    address_line3: null,
    address_line4: '3 place du Capitole',
    address_line5: null,
    postal_code: '31000',
    city: 'Toulouse',
    country: null,
  },
  {
    member_number: '100004',
    civility: 'M.',
    first_name: 'Jean-Noël',
    last_name: 'Le Gall',
    email: null,
    mobile: null,
    address_line2: 'Chez Mme Le Gall',
    address_line3: null,
    address_line4: '14 hameau de Kerbriant',
    address_line5: 'Lieu-dit Kerbriant',
    postal_code: '29200',
    city: 'Brest',
    country: null,
  },
];

/** Upserts the demo members (their fields back to the demo values; passwords are left alone). */
export async function loadDemoMembers(store: Store, now: number): Promise<void> {
  await withMemberWriter(store, now, (writer) => writer.write(DEMO_MEMBERS));
}

/** What the console prints on a fresh data directory: how to try each case, in French then English. */
export function demoMembersHelp(dataDir = './data'): string {
  const outbox = `${join(dataDir, 'outbox')}/`;
  const block = (t: typeof fr.demo | typeof en.demo): string[] => {
    const kinds = DEMO_MEMBERS.map((m) => {
      const kind = m.email && m.mobile ? t.both : m.email ? t.emailOnly : m.mobile ? t.mobileOnly : t.neither;
      return `  ${m.member_number}  ${m.first_name} ${m.last_name} — ${kind}`;
    });
    return [t.title, ...kinds, t.outbox({ dir: outbox })];
  };
  return [...block(fr.demo), '', ...block(en.demo)].join('\n');
}
