import type { Catalogue } from '../i18n/types.js';

// Texts of the members part. French is the source; English is typed against it.
// French typography as in the letters: a narrow no-break space (U+202F) before : ; and inside « ».
// Problem messages never repeat the rejected value: a line number and a column are enough to fix a file,
// and import output ends up in cron logs, where personal data has no business (CNIL, minimisation).
export const fr = {
  /** Display labels of the stored civility values. */
  civility: { 'M.': 'M.', Mme: 'Mme' },
  status: { active: 'actif', closed: 'clos' },
  fields: {
    member_number: 'N° adhérent',
    civility: 'civilité',
    first_name: 'prénom',
    last_name: 'nom',
    email: 'e-mail',
    mobile: 'mobile',
    address_line2: 'adresse ligne 2',
    address_line3: 'adresse ligne 3',
    address_line4: 'adresse ligne 4',
    address_line5: 'adresse ligne 5',
    postal_code: 'code postal',
    city: 'commune',
    country: 'pays',
  },
  problems: {
    required: (p: { field: string }) => `«\u202F${p.field}\u202F» est obligatoire`,
    memberNumberFormat: (p: { pattern: string }) =>
      `N° adhérent invalide (format attendu\u202F: ${p.pattern})`,
    civilityUnknown: 'civilité inconnue (valeurs acceptées\u202F: M., Mme, Monsieur, Madame, Mlle ou vide)',
    tooLong: (p: { field: string; length: number; max: number }) =>
      `«\u202F${p.field}\u202F» trop long\u202F: ${p.length} caractères, ${p.max} au plus`,
    controlCharacter: (p: { field: string }) =>
      `«\u202F${p.field}\u202F» contient un retour à la ligne ou un caractère de contrôle`,
    emailSyntax: 'adresse e-mail invalide (forme attendue\u202F: nom@domaine.fr)',
    mobileInvalid:
      'numéro de mobile invalide (attendu\u202F: 06 ou 07 suivi de 8 chiffres, ou un numéro de mobile international commençant par +)',
    postalCodeFrance: 'code postal invalide\u202F: 5 chiffres attendus pour une adresse en France',
    postalCodeAbroad: 'code postal invalide\u202F: au plus 10 lettres, chiffres, espaces ou tirets',
    cityLineTooLong: (p: { length: number }) =>
      `code postal et commune trop longs pour la ligne 6 de l’adresse\u202F: ${p.length} caractères, 38 au plus`,
    countryInvalid: 'pays invalide\u202F: un nom de pays ou un code ISO à 2 lettres (vide pour la France)',
  },
  import: {
    line: (p: { line: number; message: string }) => `ligne ${p.line}\u202F: ${p.message}`,
    emptyFile: 'fichier vide\u202F: la ligne 1 doit contenir les noms de colonnes',
    notUtf8:
      'le fichier n’est pas en UTF-8 (octet invalide\u202F: fichier probablement en Latin-1, Windows-1252 ou UTF-16)\u202F; réenregistrez-le au format «\u202FCSV UTF-8\u202F»',
    lineTooLong: (p: { max: string }) => `ligne de plus de ${p.max}\u202F: le fichier est refusé`,
    quoteNotClosed: 'guillemet ouvert et jamais fermé',
    quoteMisplaced:
      'guillemet mal placé (un champ contenant un guillemet doit être entre guillemets, le guillemet doublé)',
    csvSyntax: 'ligne CSV illisible',
    unknownColumn: (p: { name: string }) => `colonne inconnue «\u202F${p.name}\u202F»`,
    missingColumn: (p: { name: string }) => `colonne manquante «\u202F${p.name}\u202F»`,
    duplicateColumn: (p: { name: string }) => `colonne en double «\u202F${p.name}\u202F»`,
    expectedHeader: (p: { columns: string }) => `en-tête attendu\u202F: ${p.columns}`,
    columnCount: (p: { found: number; expected: number }) => `${p.found} colonne(s) au lieu de ${p.expected}`,
    duplicateNumber: (p: { first: number }) => `N° adhérent déjà présent ligne ${p.first} du fichier`,
    refused: (p: { count: number; more: boolean }) =>
      `Import refusé\u202F: ${p.count}${p.more ? ' ligne(s) invalide(s) au moins' : ' ligne(s) invalide(s)'}. Aucune modification n’a été appliquée.`,
    refusedFatal: 'Import refusé. Aucune modification n’a été appliquée.',
    hintSkipInvalid:
      'Corrigez le fichier, ou relancez avec --skip-invalid pour n’importer que les lignes valides.',
    summaryTitle: 'Import terminé.',
    summary: (p: { rows: number; inserted: number; updated: number; unchanged: number; rejected: number }) =>
      [
        `  lignes lues     ${p.rows}`,
        `  ajoutés         ${p.inserted}`,
        `  modifiés        ${p.updated}`,
        `  inchangés       ${p.unchanged}`,
        `  rejetés         ${p.rejected}`,
      ].join('\n'),
    rejectedTitle: 'Lignes rejetées (non importées)\u202F:',
    rejectedMore: (p: { count: number }) => `… et ${p.count} autre(s).`,
  },
  describe: {
    number: 'N° adhérent',
    name: 'Nom',
    status: 'Statut',
    email: 'E-mail',
    mobile: 'Mobile',
    address: 'Commune',
    none: '(aucun)',
    created: 'Créé le',
    updated: 'Modifié le',
  },
  demo: {
    title:
      'Adhérents de démonstration (aucun n’a encore de mot de passe\u202F: commencez par «\u202FMot de passe oublié, ou première connexion\u202F»)\u202F:',
    both: 'e-mail et mobile → code par e-mail ou par SMS',
    emailOnly: 'e-mail seulement → code par e-mail',
    mobileOnly: 'mobile seulement → code par SMS',
    neither:
      'ni e-mail ni mobile → courrier\u202F: puis «\u202Fnpx sesame letters print\u202F» et lisez le PDF',
    outbox: (p: { dir: string }) =>
      `Rien n’est réellement envoyé\u202F: les codes arrivent dans ${p.dir} (.eml pour l’e-mail, .json pour le SMS).`,
  },
} as const;

export const en: Catalogue<typeof fr> = {
  civility: { 'M.': 'Mr', Mme: 'Ms' },
  status: { active: 'active', closed: 'closed' },
  fields: {
    member_number: 'member number',
    civility: 'civility',
    first_name: 'first name',
    last_name: 'last name',
    email: 'e-mail',
    mobile: 'mobile',
    address_line2: 'address line 2',
    address_line3: 'address line 3',
    address_line4: 'address line 4',
    address_line5: 'address line 5',
    postal_code: 'postal code',
    city: 'city',
    country: 'country',
  },
  problems: {
    required: (p) => `“${p.field}” is required`,
    memberNumberFormat: (p) => `invalid member number (expected format: ${p.pattern})`,
    civilityUnknown: 'unknown civility (accepted: M., Mme, Monsieur, Madame, Mlle or empty)',
    tooLong: (p) => `“${p.field}” too long: ${p.length} characters, at most ${p.max}`,
    controlCharacter: (p) => `“${p.field}” contains a line break or a control character`,
    emailSyntax: 'invalid e-mail address (expected: name@domain.fr)',
    mobileInvalid:
      'invalid mobile number (expected: 06 or 07 followed by 8 digits, or an international mobile number starting with +)',
    postalCodeFrance: 'invalid postal code: 5 digits expected for an address in France',
    postalCodeAbroad: 'invalid postal code: at most 10 letters, digits, spaces or hyphens',
    cityLineTooLong: (p) =>
      `postal code and city too long for address line 6: ${p.length} characters, at most 38`,
    countryInvalid: 'invalid country: a country name or a 2-letter ISO code (empty for France)',
  },
  import: {
    line: (p) => `line ${p.line}: ${p.message}`,
    emptyFile: 'empty file: line 1 must hold the column names',
    notUtf8:
      'the file is not UTF-8 (invalid byte: the file is probably Latin-1, Windows-1252 or UTF-16); save it again as “CSV UTF-8”',
    lineTooLong: (p) => `line longer than ${p.max}: the file is refused`,
    quoteNotClosed: 'quote opened and never closed',
    quoteMisplaced: 'misplaced quote (a field holding a quote must be quoted, with the quote doubled)',
    csvSyntax: 'unreadable CSV line',
    unknownColumn: (p) => `unknown column “${p.name}”`,
    missingColumn: (p) => `missing column “${p.name}”`,
    duplicateColumn: (p) => `duplicate column “${p.name}”`,
    expectedHeader: (p) => `expected header: ${p.columns}`,
    columnCount: (p) => `${p.found} column(s) instead of ${p.expected}`,
    duplicateNumber: (p) => `member number already on line ${p.first} of the file`,
    refused: (p) =>
      `Import refused: ${p.count}${p.more ? ' or more' : ''} invalid line(s). Nothing was changed.`,
    refusedFatal: 'Import refused. Nothing was changed.',
    hintSkipInvalid: 'Fix the file, or run again with --skip-invalid to import the valid lines only.',
    summaryTitle: 'Import finished.',
    summary: (p) =>
      [
        `  lines read      ${p.rows}`,
        `  inserted        ${p.inserted}`,
        `  updated         ${p.updated}`,
        `  unchanged       ${p.unchanged}`,
        `  rejected        ${p.rejected}`,
      ].join('\n'),
    rejectedTitle: 'Rejected lines (not imported):',
    rejectedMore: (p) => `… and ${p.count} more.`,
  },
  describe: {
    number: 'Member number',
    name: 'Name',
    status: 'Status',
    email: 'E-mail',
    mobile: 'Mobile',
    address: 'City',
    none: '(none)',
    created: 'Created',
    updated: 'Updated',
  },
  demo: {
    title: 'Demo members (none has a password yet: start with “Mot de passe oublié, ou première connexion”):',
    both: 'e-mail and mobile → code by e-mail or SMS',
    emailOnly: 'e-mail only → code by e-mail',
    mobileOnly: 'mobile only → code by SMS',
    neither: 'no e-mail, no mobile → postal letter: then “npx sesame letters print” and read the PDF',
    outbox: (p) => `Nothing is really sent: codes land in ${p.dir} (.eml for e-mail, .json for SMS).`,
  },
};
