// Demo members for the embedded default (issue 2): the four contact cases of the guide. None has a
// password: each starts with « Mot de passe oublié, ou première connexion », as a new member does.
import type { Store } from '../store/db.js';
import { toSearchName } from './search-name.js';

export interface DemoMember {
  readonly member_number: string;
  readonly civility: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly email: string | null;
  readonly mobile: string | null;
  readonly address_line2: string | null;
  readonly address_line3: string | null;
  readonly address_line4: string | null;
  readonly address_line5: string | null;
  readonly postal_code: string;
  readonly city: string;
  readonly country: string | null;
}

export const DEMO_MEMBERS: readonly DemoMember[] = [
  {
    member_number: '100001',
    civility: 'Mme',
    first_name: 'Hélène',
    last_name: 'Lefèvre',
    email: 'helene.lefevre@example.fr',
    mobile: '+33612345678',
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
    email: 'francois.nguyen@example.fr',
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
    mobile: '+33798765432',
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

export async function loadDemoMembers(store: Store, now: number): Promise<void> {
  for (const m of DEMO_MEMBERS) {
    await store.db
      .insertInto('members')
      .values({ ...m, search_name: toSearchName(m.last_name, m.first_name), status: 'active', created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('member_number').doNothing())
      .execute();
  }
}

/** What the console prints on a fresh data directory: how to try each case (French, then English). */
export function demoMembersHelp(dataDir = './data'): string {
  const outbox = `${dataDir.replace(/\/$/, '')}/outbox/`;
  return [
    'Adhérents de démonstration (aucun n’a encore de mot de passe : commencez par « Mot de passe oublié, ou première connexion ») :',
    '  100001  e-mail et mobile   → code par e-mail ou par SMS',
    '  100002  e-mail seulement   → code par e-mail',
    '  100003  mobile seulement   → code par SMS',
    '  100004  ni l’un ni l’autre → courrier : puis `npx sesame letters print` et lisez le PDF',
    `Les codes d’activation arrivent dans ${outbox} (.eml pour l’e-mail, .json pour le SMS).`,
    '',
    'Demo members (none has a password yet: start with “Mot de passe oublié, ou première connexion”):',
    `  100001 e-mail and mobile · 100002 e-mail only · 100003 mobile only · 100004 neither (letter). Codes land in ${outbox}.`,
  ].join('\n');
}
