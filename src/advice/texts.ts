import type { Catalogue } from '../i18n/types.js';

// The security-advice page (DESIGN.md §2 "Security advice"): plain, useful, no jargon.
export const fr = {
  title: 'Nos conseils de sécurité',
  intro:
    'Utilisez nos conseils pour un comportement adapté et sécurisé lors de vos opérations sur internet. Ils protègent votre espace adhérent et vos données de santé.',
  sections: [
    {
      title: 'Méfiez-vous des messages qui vous pressent',
      points: [
        'Votre mutuelle ne vous demandera jamais votre mot de passe ni votre code d’activation, ni par téléphone, ni par e-mail, ni par SMS.',
        'Un message qui annonce un remboursement, une carte à renouveler ou un compte bloqué et vous demande de « cliquer vite » est souvent une tentative d’hameçonnage (phishing).',
        'Ne cliquez pas sur un lien reçu par e-mail ou SMS pour vous connecter : tapez vous-même l’adresse de l’espace adhérent ou utilisez vos favoris.',
      ],
    },
    {
      title: 'Ne communiquez jamais votre code d’activation',
      points: [
        'Le code à 6 chiffres reçu par e-mail ou SMS sert uniquement à créer ou changer votre mot de passe, sur la page où vous l’avez demandé.',
        'Si quelqu’un vous appelle en se présentant comme un conseiller et vous demande ce code, raccrochez : c’est une escroquerie.',
        'Si vous recevez un code sans l’avoir demandé, ne faites rien : votre mot de passe n’a pas changé. Vous pouvez nous le signaler.',
      ],
    },
    {
      title: 'Choisissez un mot de passe robuste et unique',
      points: [
        'Utilisez au moins 12 caractères, avec des majuscules, des minuscules, des chiffres et des caractères spéciaux. Une phrase facile à retenir fait un bon point de départ.',
        'N’utilisez pas le même mot de passe que pour votre messagerie ou d’autres sites : si l’un d’eux est piraté, vos autres comptes restent protégés.',
        'Un gestionnaire de mots de passe (par exemple celui de votre navigateur, ou KeePass recommandé par l’ANSSI) retient vos mots de passe à votre place.',
        'Un changement tous les 6 mois est recommandé, et immédiatement si vous pensez qu’il a été vu par quelqu’un d’autre.',
      ],
    },
    {
      title: 'Vérifiez où vous êtes',
      points: [
        'Avant de saisir votre mot de passe, vérifiez l’adresse dans la barre du navigateur et la présence du cadenas.',
        'Sur un ordinateur partagé (médiathèque, travail), déconnectez-vous en fin de visite et n’enregistrez pas le mot de passe.',
        'Dans votre espace, la date et le lieu de votre précédente connexion sont indiqués : s’ils ne vous disent rien, changez votre mot de passe et utilisez « Se déconnecter partout ».',
      ],
    },
    {
      title: 'En cas de doute',
      points: [
        'Changez votre mot de passe depuis « Mot de passe oublié, ou première connexion ».',
        'Contactez votre mutuelle au numéro indiqué sur votre carte d’adhérent ou sur nos courriers — jamais à un numéro donné dans un message suspect.',
        'Vous pouvez signaler une tentative d’escroquerie sur cybermalveillance.gouv.fr ou au 33700 pour les SMS frauduleux.',
      ],
    },
  ],
  back: 'Retour à la connexion',
} as const;

export const en: Catalogue<typeof fr> = {
  title: 'Our security advice',
  intro:
    'Follow our advice to stay safe when you do things online. It protects your member space and your health data.',
  sections: [
    {
      title: 'Beware of messages that rush you',
      points: [
        'Your insurer will never ask for your password or your activation code, by phone, e-mail or text message.',
        'A message announcing a refund, a card to renew or a blocked account that asks you to “click quickly” is often a phishing attempt.',
        'Do not follow a link received by e-mail or text to sign in: type the member space address yourself or use your bookmarks.',
      ],
    },
    {
      title: 'Never give away your activation code',
      points: [
        'The 6-digit code received by e-mail or text only serves to create or change your password, on the page where you asked for it.',
        'If someone calls you claiming to be an adviser and asks for this code, hang up: it is a scam.',
        'If you receive a code you did not ask for, do nothing: your password has not changed. You may tell us about it.',
      ],
    },
    {
      title: 'Choose a strong, unique password',
      points: [
        'Use at least 12 characters, with capitals, lower-case letters, digits and special characters. An easy-to-remember sentence is a good start.',
        'Do not reuse the password of your e-mail or other sites: if one of them is breached, your other accounts stay safe.',
        'A password manager (for example your browser’s, or KeePass as recommended by ANSSI) remembers your passwords for you.',
        'A change every 6 months is recommended, and at once if you think someone else has seen it.',
      ],
    },
    {
      title: 'Check where you are',
      points: [
        'Before typing your password, check the address in the browser bar and the padlock.',
        'On a shared computer (library, work), sign out at the end and do not save the password.',
        'Your space shows the date and place of your previous sign-in: if they mean nothing to you, change your password and use “Sign out everywhere”.',
      ],
    },
    {
      title: 'If in doubt',
      points: [
        'Change your password from “Forgot your password, or first sign-in”.',
        'Call your insurer on the number printed on your member card or our letters — never a number given in a suspicious message.',
        'You can report a scam attempt on cybermalveillance.gouv.fr, or forward fraudulent texts to 33700.',
      ],
    },
  ],
  back: 'Back to sign-in',
};
