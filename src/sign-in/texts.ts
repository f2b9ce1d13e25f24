import type { Catalogue } from '../i18n/types.js';

// Wording in « » follows the insurer's guide (shared/seed) and DESIGN.md §6's page contract.
export const fr = {
  title: 'Espace Adhérent - Connexion',
  adviceIntro:
    'Utilisez nos conseils pour un comportement adapté et sécurisé lors de vos opérations sur internet.',
  adviceLink: 'Nos conseils de sécurité',
  memberNumber: 'Identifiant (N° adhérent)',
  memberNumberHint: '6 à 10 chiffres, indiqués sur votre carte d’adhérent.',
  /** When the operator set another member-number format (SESAME_MEMBER_NUMBER_PATTERN). */
  memberNumberHintAnyFormat: 'Indiqué sur votre carte d’adhérent.',
  password: 'Mot de passe',
  passwordHint: 'Merci de saisir votre code d’accès.',
  showPassword: 'Afficher le mot de passe',
  submit: 'Connexion',
  forgot: 'Mot de passe oublié, ou première connexion',
  blockedWaitMinutes: (p: { minutes: number }) => `${p.minutes} minute${p.minutes > 1 ? 's' : ''}`,
  blockedWaitHours: (p: { hours: number }) => `${p.hours} heure${p.hours > 1 ? 's' : ''}`,
  signedOut: 'Vous êtes déconnecté. À bientôt !',
  sessionExpired: 'Votre session a expiré. Merci de vous reconnecter.',
  adviceTitle: 'Nos conseils de sécurité',
} as const;

export const en: Catalogue<typeof fr> = {
  title: 'Member space - Sign in',
  adviceIntro: 'Follow our advice to stay safe when you do things online.',
  adviceLink: 'Our security advice',
  memberNumber: 'Member number (N° adhérent)',
  memberNumberHint: '6 to 10 digits, printed on your member card.',
  memberNumberHintAnyFormat: 'Printed on your member card.',
  password: 'Password',
  passwordHint: 'Please enter your access code.',
  showPassword: 'Show password',
  submit: 'Sign in',
  forgot: 'Forgot your password, or first sign-in',
  blockedWaitMinutes: (p) => `${p.minutes} minute${p.minutes > 1 ? 's' : ''}`,
  blockedWaitHours: (p) => `${p.hours} hour${p.hours > 1 ? 's' : ''}`,
  signedOut: 'You are signed out. See you soon!',
  sessionExpired: 'Your session has expired. Please sign in again.',
  adviceTitle: 'Our security advice',
};
