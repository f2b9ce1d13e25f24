import type { Catalogue } from '../i18n/types.js';

// Texts of the delivery part. French is the source; English is typed against it.
// SMS texts must stay within the GSM 03.38 alphabet (no ê, ç, « », ’) and 160 characters with the longest
// insurer name (38): test/delivery/templates.test.ts checks both.
export const fr = {
  greeting: 'Bonjour,',
  automatic: 'Ce message vous est envoyé automatiquement.',
  activationCode: {
    subject: "Votre code d'activation",
    intro: "Voici votre code d'activation :",
    validity:
      "Il est valable 10 minutes. Saisissez-le sur la même page internet que celle où vous l'avez demandé.",
    neverShare:
      'Ne communiquez jamais ce code à personne. Nos conseillers ne vous le demanderont jamais, ni par téléphone, ni par e-mail, ni par SMS.',
    notYou:
      "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.",
    sms: (p: { insurer: string; code: string }) =>
      `${p.insurer} : votre code d'activation est ${p.code}. Valable 10 min. Ne le communiquez à personne.`,
  },
  passwordChanged: {
    subject: 'Votre mot de passe a été modifié',
    changed: (p: { date: string }) => `Le mot de passe de votre espace adhérent a été modifié le ${p.date}.`,
    ifYou: "Si c'est bien vous, vous n'avez rien à faire.",
    ifNotYou: (p: { phone: string }) =>
      `Si ce n'est pas vous, appelez sans attendre notre service adhérents au ${p.phone}.`,
    sms: (p: { insurer: string; date: string; phone: string }) =>
      `${p.insurer} : votre mot de passe a été modifié le ${p.date}. Si ce n'est pas vous, appelez le ${p.phone}.`,
  },
} as const;

export const en: Catalogue<typeof fr> = {
  greeting: 'Hello,',
  automatic: 'This message was sent automatically.',
  activationCode: {
    subject: 'Your activation code',
    intro: 'Here is your activation code:',
    validity: 'It is valid for 10 minutes. Type it on the same web page where you asked for it.',
    neverShare:
      'Never give this code to anyone. Our staff will never ask you for it, by phone, e-mail or text message.',
    notYou: 'If you did not ask for it, ignore this message: your password has not changed.',
    sms: (p) => `${p.insurer}: your activation code is ${p.code}. Valid 10 min. Never give it to anyone.`,
  },
  passwordChanged: {
    subject: 'Your password was changed',
    changed: (p) => `The password of your member space was changed on ${p.date}.`,
    ifYou: 'If it was you, there is nothing to do.',
    ifNotYou: (p) => `If it was not you, call our member service at once on ${p.phone}.`,
    sms: (p) => `${p.insurer}: your password was changed on ${p.date}. If it was not you, call ${p.phone}.`,
  },
};
