import type { Catalogue } from '../i18n/types.js';

// Texts shared by every page (header, footer, error pages, language switch).
export const fr = {
  portalName: 'Espace Adhérent',
  skipToContent: 'Aller au contenu',
  switchLanguage: 'English',
  switchLanguageLabel: 'Read this page in English',
  footerAdvice: 'Conseils de sécurité',
  footerAccessibility: 'Accessibilité : partiellement conforme',
  footerLegal: 'Vos données sont traitées par votre mutuelle pour la gestion de votre espace adhérent.',
  errorTitle: 'Une erreur est survenue',
  notFoundTitle: 'Page introuvable',
  backToSignIn: 'Retour à la connexion',
  errorSummary: 'Votre saisie n’a pas pu être validée :',
  requiredMark: '(obligatoire)',
  newTab: '(nouvelle fenêtre)',
} as const;

export const en: Catalogue<typeof fr> = {
  portalName: 'Member space',
  skipToContent: 'Skip to content',
  switchLanguage: 'Français',
  switchLanguageLabel: 'Lire cette page en français',
  footerAdvice: 'Security advice',
  footerAccessibility: 'Accessibility: partially compliant',
  footerLegal: 'Your data is processed by your mutual insurer to run your member space.',
  errorTitle: 'An error occurred',
  notFoundTitle: 'Page not found',
  backToSignIn: 'Back to sign-in',
  errorSummary: 'Your entry could not be accepted:',
  requiredMark: '(required)',
  newTab: '(new window)',
};
