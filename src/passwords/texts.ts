import type { Catalogue } from '../i18n/types.js';

// Texts of the passwords part. French is the source; English is typed against it.
// Each rule names itself plainly, so a refusal says which rule failed (NIST 800-63B-4 §3.1.1.2).
interface Bounds {
  readonly min: number;
  readonly max: number;
}

export const fr = {
  checklistTitle: 'Votre nouveau mot de passe doit respecter les règles suivantes :',
  rules: {
    'min-length': (p: Bounds) => `Au moins ${p.min} caractères`,
    'max-length': (p: Bounds) => `Au plus ${p.max} caractères`,
    digit: (_: Bounds) => 'Au moins un chiffre',
    upper: (_: Bounds) => 'Au moins une lettre majuscule',
    lower: (_: Bounds) => 'Au moins une lettre minuscule',
    special: (_: Bounds) => 'Au moins un caractère spécial (par exemple ! ? # * & @ - + ou une espace)',
    'no-forbidden-chars': (_: Bounds) => "Aucun des caractères ' % \\ _",
    'not-common': (_: Bounds) => 'N’est pas un mot de passe trop courant',
    'not-personal': (_: Bounds) => 'Ne contient pas votre numéro d’adhérent ni votre nom',
    'hard-to-guess': (_: Bounds) => 'Assez difficile à deviner',
    'confirm-match': (_: Bounds) => 'La confirmation est identique au nouveau mot de passe',
  },
  /** Read by screen readers after each rule, updated as the member types. */
  ruleStatus: {
    pass: 'respectée',
    fail: 'non respectée',
    unchecked: 'vérifiée à l’envoi',
  },
} as const;

export const en: Catalogue<typeof fr> = {
  checklistTitle: 'Your new password must meet the following rules:',
  rules: {
    'min-length': (p) => `At least ${p.min} characters`,
    'max-length': (p) => `At most ${p.max} characters`,
    digit: () => 'At least one digit',
    upper: () => 'At least one upper-case letter',
    lower: () => 'At least one lower-case letter',
    special: () => 'At least one special character (for example ! ? # * & @ - + or a space)',
    'no-forbidden-chars': () => "None of the characters ' % \\ _",
    'not-common': () => 'Not a too common password',
    'not-personal': () => 'Does not contain your member number or your name',
    'hard-to-guess': () => 'Hard enough to guess',
    'confirm-match': () => 'The confirmation matches the new password',
  },
  ruleStatus: {
    pass: 'met',
    fail: 'not met',
    unchecked: 'checked when sent',
  },
};
