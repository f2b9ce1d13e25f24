import type { Catalogue } from '../i18n/types.js';

// The guide's six steps, in its own words where it has them (shared/seed, DESIGN.md §2 and §6).
export const fr = {
  title: 'Mot de passe oublié',
  introLead:
    'Vous connaissez votre identifiant, mais vous avez perdu votre mot de passe ou c’est votre première connexion ?',
  introBody:
    'Vous pouvez le créer ou le réinitialiser tout de suite si vous nous avez communiqué un numéro de téléphone mobile ou une adresse e-mail : vous recevrez un code d’activation. Sinon, vous pourrez choisir de recevoir un nouveau mot de passe par courrier sous huit jours.',
  introButton: 'Créer ou changer mon mot de passe',
  stepOf: (p: { step: number }) => `Étape ${p.step} sur 4`,
  numberTitle: 'Merci d’indiquer votre numéro d’adhérent',
  numberLabel: 'N° Adhérent',
  numberHint: '6 à 10 chiffres, indiqués sur votre carte d’adhérent.',
  validate: 'Valider',
  channelIntro:
    'Voici les coordonnées que nous avons pour vous. Choisissez où recevoir votre code d’activation.',
  emailOnFile: 'E-mail :',
  mobileOnFile: 'Mobile :',
  byEmail: 'Recevoir mon code par e-mail',
  bySms: 'Recevoir mon code par SMS',
  byLetter: 'Recevoir un nouveau mot de passe par courrier',
  letterOffer:
    'Nous n’avons ni adresse e-mail ni numéro de mobile pour vous : vous pouvez recevoir un nouveau mot de passe par courrier sous huit jours.',
  letterOfferAll: 'Vous pouvez aussi recevoir un nouveau mot de passe par courrier, sous huit jours.',
  keepOpen: 'Veillez à laisser cette page internet ouverte : le code devra y être saisi.',
  spamNote: 'Si vous ne recevez pas l’e-mail, vérifiez votre dossier de courrier indésirable (spam).',
  noContact: 'Vos coordonnées ne sont pas à jour ? Contactez votre mutuelle.',
  sentTo: (p: { channel: string; address: string }) =>
    `Vous avez choisi de recevoir votre code d’activation par ${p.channel} : ${p.address}.`,
  channelEmail: 'e-mail',
  channelSms: 'SMS',
  codeTitle: 'Merci de saisir votre code d’activation',
  codeLabel: 'Code d’activation',
  codeHint: 'Le code à 6 chiffres reçu. Il est valable 10 minutes.',
  samePage:
    'Pour finaliser votre demande, le code d’activation reçu doit être saisi sur la même page internet que celle où vous avez soumis votre demande.',
  attemptsLeft: (p: { left: number }) => `Essais restants : ${p.left}.`,
  resend: 'Renvoyer le code',
  resendWait: (p: { seconds: number }) => `Vous pourrez demander un nouveau code dans ${p.seconds} secondes.`,
  codeSentAgain: 'Un nouveau code vous a été envoyé. Seul le dernier code reçu est valable.',
  passwordTitle: 'Merci de saisir votre nouveau mot de passe',
  passwordIntro: 'Saisissez votre nouveau mot de passe, confirmez-le puis VALIDER.',
  newPassword: 'Nouveau mot de passe',
  confirmPassword: 'Confirmation du mot de passe',
  doneTitle: 'Félicitations !',
  doneBody:
    'Vous pouvez désormais vous connecter à votre espace adhérent directement en indiquant votre numéro d’adhérent et votre nouveau mot de passe.',
  doneFirst: 'Votre espace adhérent est maintenant ouvert.',
  doneThanks: 'Merci et à bientôt !',
  goSignIn: 'Me connecter',
  letterTitle: 'Votre courrier est demandé',
  letterBody:
    'Si ce numéro d’adhérent correspond à un dossier sans adresse e-mail ni mobile, un nouveau mot de passe provisoire vous sera envoyé par courrier à l’adresse postale que nous avons, sous huit jours.',
  letterThen:
    'À réception, connectez-vous sur la page de connexion avec votre numéro d’adhérent et le mot de passe provisoire : vous choisirez alors votre propre mot de passe. Le mot de passe provisoire est valable 30 jours et ne sert qu’une fois. D’ici là, votre mot de passe actuel reste valable.',
  letterTooSoon: (p: { date: string; next: string }) =>
    `Un courrier vous a déjà été adressé le ${p.date}. Un nouveau courrier pourra être demandé à partir du ${p.next}. Si vous ne l’avez pas reçu, contactez votre mutuelle.`,
  failedTitle: 'Demande close',
  restart: 'Recommencer',
  backToSignIn: 'Retour à la connexion',
} as const;

export const en: Catalogue<typeof fr> = {
  title: 'Forgot password',
  introLead: 'You know your member number but lost your password, or this is your first sign-in?',
  introBody:
    'You can create or reset it right away if you gave us a mobile number or an e-mail address: you will receive an activation code. Otherwise, you can choose to receive a new password by post within eight days.',
  introButton: 'Create or change my password',
  stepOf: (p) => `Step ${p.step} of 4`,
  numberTitle: 'Please enter your member number',
  numberLabel: 'Member number (N° Adhérent)',
  numberHint: '6 to 10 digits, printed on your member card.',
  validate: 'Confirm',
  channelIntro: 'Here are the contact details we hold for you. Choose where to receive your activation code.',
  emailOnFile: 'E-mail:',
  mobileOnFile: 'Mobile:',
  byEmail: 'Receive my code by e-mail',
  bySms: 'Receive my code by text message',
  byLetter: 'Receive a new password by post',
  letterOffer:
    'We have neither an e-mail address nor a mobile number for you: you can receive a new password by post within eight days.',
  letterOfferAll: 'You can also receive a new password by post, within eight days.',
  keepOpen: 'Please keep this web page open: the code must be entered here.',
  spamNote: 'If you do not receive the e-mail, check your junk (spam) folder.',
  noContact: 'Your contact details are out of date? Contact your insurer.',
  sentTo: (p) => `You chose to receive your activation code by ${p.channel}: ${p.address}.`,
  channelEmail: 'e-mail',
  channelSms: 'text message',
  codeTitle: 'Please enter your activation code',
  codeLabel: 'Activation code (Code d’activation)',
  codeHint: 'The 6-digit code you received. It is valid for 10 minutes.',
  samePage:
    'To complete your request, the activation code must be entered on the same web page where you made the request.',
  attemptsLeft: (p) => `Attempts left: ${p.left}.`,
  resend: 'Send the code again',
  resendWait: (p) => `You can ask for a new code in ${p.seconds} seconds.`,
  codeSentAgain: 'A new code has been sent to you. Only the last code received is valid.',
  passwordTitle: 'Please enter your new password',
  passwordIntro: 'Type your new password, confirm it, then CONFIRM.',
  newPassword: 'New password',
  confirmPassword: 'Password confirmation',
  doneTitle: 'Congratulations!',
  doneBody: 'You can now sign in to your member space with your member number and your new password.',
  doneFirst: 'Your member space is now open.',
  doneThanks: 'Thank you, see you soon!',
  goSignIn: 'Sign in',
  letterTitle: 'Your letter has been requested',
  letterBody:
    'If this member number belongs to a record with no e-mail and no mobile, a new provisional password will be posted to the postal address we hold, within eight days.',
  letterThen:
    'When it arrives, sign in on the sign-in page with your member number and the provisional password: you will then choose your own password. The provisional password is valid for 30 days and works once. Until then, your current password keeps working.',
  letterTooSoon: (p) =>
    `A letter was already sent to you on ${p.date}. A new letter can be requested from ${p.next}. If you did not receive it, contact your insurer.`,
  failedTitle: 'Request closed',
  restart: 'Start again',
  backToSignIn: 'Back to sign-in',
};
