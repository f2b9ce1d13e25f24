import type { Catalogue } from '../i18n/types.js';

// Texts of the letters part. French is the source; English is typed against it.
// French typography: a narrow no-break space (U+202F) before ; : ! ? and inside « », and the
// typographic apostrophe (’). The letter's font (DejaVu) prints both.
export const fr = {
  letter: {
    placeAndDate: (p: { place: string; date: string }) => `${p.place}, le ${p.date}`,
    subjectLabel: 'Objet\u202F:',
    subject: 'Votre nouveau mot de passe provisoire',
    salutation: 'Madame, Monsieur,',
    intro:
      'Vous trouverez ci-dessous le mot de passe provisoire demandé pour accéder à votre Espace Adhérent. Voici comment l’utiliser.',
    stepsTitle: 'Pour vous connecter\u202F:',
    stepSignInPage: (p: { url: string }) =>
      p.url === ''
        ? 'Rendez-vous sur la page «\u202FEspace Adhérent - Connexion\u202F».'
        : `Rendez-vous sur la page «\u202FEspace Adhérent - Connexion\u202F», à l’adresse\u202F:\n${p.url}`,
    stepEnter:
      'Saisissez votre N° adhérent et le mot de passe provisoire ci-dessous, puis cliquez sur «\u202FConnexion\u202F».',
    stepChoose: 'Dès cette première connexion, choisissez votre propre mot de passe.',
    memberNumberLabel: 'N° adhérent\u202F:',
    passwordLabel: 'Mot de passe provisoire\u202F:',
    validity: (p: { until: string }) => `Valable jusqu’au ${p.until}, pour une seule connexion.`,
    typingHint: 'Vous pouvez le saisir avec ou sans les tirets, en majuscules ou en minuscules.',
    currentPassword:
      'Tant que vous n’avez pas utilisé ce mot de passe provisoire, votre mot de passe actuel reste valable.',
    securityTitle: 'Conseils de sécurité',
    securityIntro: 'Nous mettons tout en œuvre pour protéger votre compte. Vous pouvez nous y aider\u202F:',
    securityNeverShare: (p: { insurer: string }) =>
      `Ne communiquez jamais ce mot de passe, à personne. ${p.insurer} ne vous le demandera jamais, ni par téléphone, ni par courriel, ni par SMS.`,
    securityDestroy: 'Une fois votre propre mot de passe choisi, détruisez ce courrier.',
    securityNotAsked: (p: { phone: string }) =>
      `Si vous n’avez pas demandé ce courrier, ou si vous l’avez reçu ouvert, appelez-nous au ${p.phone}.`,
    closing: 'Nous vous prions d’agréer, Madame, Monsieur, l’expression de nos salutations distinguées.',
    signature: (p: { insurer: string }) => `Le service Adhérents de ${p.insurer}`,
    timeOfDay: (p: { hour: string; minute: string }) => `${p.hour}\u00A0h\u00A0${p.minute}`,
    dateAndTime: (p: { date: string; time: string }) => `${p.date} à ${p.time}`,
  },
  /** Why a letter cannot be printed as is: shown to staff on the flagged letter. */
  problems: {
    nameMissing: 'Nom du destinataire manquant.',
    postalCodeMissing: 'Code postal manquant.',
    postalCodeInvalid: (p: { code: string }) =>
      `Code postal «\u202F${p.code}\u202F» invalide\u202F: 5 chiffres attendus.`,
    cityMissing: 'Commune manquante.',
    lineTooLong: (p: { line: number; text: string }) =>
      `Ligne ${p.line} de l’adresse trop longue même abrégée (${p.text.length} caractères, 38 au plus)\u202F: «\u202F${p.text}\u202F».`,
    tooManyLines: (p: { count: number; max: number }) =>
      `Adresse trop longue\u202F: ${p.count} lignes, ${p.max} au plus.`,
    unprintable: (p: { line: number; chars: string }) =>
      `Ligne ${p.line} de l’adresse\u202F: caractères impossibles à imprimer (${p.chars}).`,
  },
} as const;

export const en: Catalogue<typeof fr> = {
  letter: {
    placeAndDate: (p) => `${p.place}, ${p.date}`,
    subjectLabel: 'Subject:',
    subject: 'Your new provisional password',
    salutation: 'Dear Member,',
    intro: 'Below is the provisional password requested to access your Member Area. Here is how to use it.',
    stepsTitle: 'To sign in:',
    stepSignInPage: (p) =>
      p.url === ''
        ? 'Go to the “Member Area - Sign in” page.'
        : `Go to the “Member Area - Sign in” page, at:\n${p.url}`,
    stepEnter: 'Enter your member number and the provisional password below, then click “Sign in”.',
    stepChoose: 'On this first sign-in, choose your own password.',
    memberNumberLabel: 'Member number:',
    passwordLabel: 'Provisional password:',
    validity: (p) => `Valid until ${p.until}, for one sign-in only.`,
    typingHint: 'You may type it with or without the dashes, in upper or lower case.',
    currentPassword: 'Until you use this provisional password, your current password keeps working.',
    securityTitle: 'Security advice',
    securityIntro: 'We do everything we can to protect your account. You can help us:',
    securityNeverShare: (p) =>
      `Never give this password to anyone. ${p.insurer} will never ask you for it, by phone, e-mail or text message.`,
    securityDestroy: 'Once you have chosen your own password, destroy this letter.',
    securityNotAsked: (p) =>
      `If you did not ask for this letter, or if it reached you opened, call us on ${p.phone}.`,
    closing: 'Yours faithfully,',
    signature: (p) => `The Member Service of ${p.insurer}`,
    timeOfDay: (p) => `${p.hour}:${p.minute}`,
    dateAndTime: (p) => `${p.date} at ${p.time}`,
  },
  problems: {
    nameMissing: 'Recipient name missing.',
    postalCodeMissing: 'Postal code missing.',
    postalCodeInvalid: (p) => `Postal code “${p.code}” is invalid: 5 digits expected.`,
    cityMissing: 'City missing.',
    lineTooLong: (p) =>
      `Address line ${p.line} too long even abbreviated (${p.text.length} characters, at most 38): “${p.text}”.`,
    tooManyLines: (p) => `Address too long: ${p.count} lines, at most ${p.max}.`,
    unprintable: (p) => `Address line ${p.line}: characters that cannot be printed (${p.chars}).`,
  },
};
