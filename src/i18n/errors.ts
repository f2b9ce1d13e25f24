import type { ErrorCode } from '../errors.js';
import type { Locale } from './types.js';

type Messages = Readonly<Record<ErrorCode, string>>;

// {name} placeholders are filled from SesameError.params.
const fr: Messages = {
  BAD_REQUEST: 'La demande est incomplète ou mal formée. Merci de recommencer depuis la page.',
  CSRF_INVALID: 'Votre page a expiré. Merci de la recharger puis de recommencer.',
  ORIGIN_REFUSED: 'Cette demande ne provient pas de notre site ; elle a été refusée.',
  NOT_FOUND: 'Cette page n’existe pas.',
  PAYLOAD_TOO_LARGE: 'Les données envoyées sont trop volumineuses.',
  UNSUPPORTED_MEDIA_TYPE: 'Ce format de données n’est pas accepté.',
  RATE_LIMITED: 'Trop de demandes depuis votre connexion. Merci de patienter quelques minutes.',
  INTERNAL: 'Une erreur inattendue s’est produite. Merci de réessayer dans quelques instants.',
  UNAVAILABLE: 'Le service est momentanément indisponible. Merci de réessayer dans quelques minutes.',
  INVALID_CREDENTIALS: 'Identifiant ou mot de passe incorrect.',
  SIGN_IN_BLOCKED:
    'Trop de tentatives de connexion. Merci de patienter {wait} ou de réinitialiser votre mot de passe avec « Mot de passe oublié ».',
  STAFF_SIGN_IN_BLOCKED:
    'Trop de tentatives de connexion à l’espace de gestion. Merci de patienter {wait} ou de demander à un administrateur de débloquer votre compte.',
  MEMBER_NUMBER_INVALID: 'Le N° adhérent doit contenir uniquement des chiffres (6 à 10 chiffres).',
  MEMBER_NUMBER_MALFORMED:
    'Ce N° adhérent n’a pas le format attendu : recopiez-le tel qu’il figure sur votre carte d’adhérent.',
  FIELD_REQUIRED: 'Merci de renseigner le champ « {field} ».',
  ANTI_ROBOT_FAILED: 'La vérification anti-robot n’a pas réussi. Merci de réessayer avec la nouvelle image.',
  SESSION_REQUIRED: 'Merci de vous connecter pour accéder à votre espace adhérent.',
  PASSWORD_MISMATCH: 'La confirmation ne correspond pas au nouveau mot de passe.',
  PASSWORD_POLICY: 'Le nouveau mot de passe ne respecte pas les règles indiquées.',
  CURRENT_PASSWORD_WRONG: 'Le mot de passe actuel est incorrect.',
  FLOW_NOT_FOUND:
    'Cette demande est introuvable ou terminée. Merci de recommencer depuis « Mot de passe oublié ».',
  FLOW_EXPIRED: 'Cette demande a expiré. Merci de recommencer depuis « Mot de passe oublié ».',
  FLOW_OTHER_BROWSER:
    'Le code doit être saisi sur la même page internet que celle où vous avez fait la demande. Merci de recommencer depuis ce navigateur.',
  FLOW_WRONG_STATE: 'Cette étape n’est pas disponible. Merci de reprendre là où vous en étiez.',
  CODE_FORMAT: 'Le code d’activation se compose de 6 chiffres.',
  CODE_WRONG: 'Code d’activation incorrect. Il vous reste {left} essai(s).',
  CODE_EXPIRED: 'Ce code d’activation a expiré. Demandez un nouveau code.',
  CODE_TOO_MANY_ATTEMPTS:
    'Trop de codes incorrects : cette demande est close. Merci de recommencer depuis « Mot de passe oublié ».',
  RESEND_TOO_EARLY: 'Un nouveau code pourra être envoyé dans {seconds} secondes.',
  SEND_LIMIT:
    'Le nombre d’envois de codes autorisé est atteint. Merci de réessayer demain ou de contacter nos services.',
  LETTER_TOO_SOON:
    'Un courrier vous a déjà été adressé le {date}. Un nouveau courrier ne peut être demandé qu’après le {next}.',
  FORBIDDEN: 'Vous n’avez pas les droits nécessaires pour cette action.',
  TOTP_INVALID: 'Code de vérification incorrect.',
};

const en: Messages = {
  BAD_REQUEST: 'The request is incomplete or malformed. Please start again from the page.',
  CSRF_INVALID: 'Your page has expired. Please reload it and try again.',
  ORIGIN_REFUSED: 'This request does not come from our site; it was refused.',
  NOT_FOUND: 'This page does not exist.',
  PAYLOAD_TOO_LARGE: 'The data sent is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'This data format is not accepted.',
  RATE_LIMITED: 'Too many requests from your connection. Please wait a few minutes.',
  INTERNAL: 'An unexpected error occurred. Please try again in a moment.',
  UNAVAILABLE: 'The service is temporarily unavailable. Please try again in a few minutes.',
  INVALID_CREDENTIALS: 'Incorrect member number or password.',
  SIGN_IN_BLOCKED:
    'Too many sign-in attempts. Please wait {wait} or reset your password with “Forgot password”.',
  STAFF_SIGN_IN_BLOCKED:
    'Too many sign-in attempts to the back office. Please wait {wait} or ask an administrator to unlock your account.',
  MEMBER_NUMBER_INVALID: 'The member number must contain digits only (6 to 10 digits).',
  MEMBER_NUMBER_MALFORMED:
    'This member number does not have the expected format: copy it as it appears on your member card.',
  FIELD_REQUIRED: 'Please fill in “{field}”.',
  ANTI_ROBOT_FAILED: 'The anti-robot check did not succeed. Please try again with the new picture.',
  SESSION_REQUIRED: 'Please sign in to reach your member space.',
  PASSWORD_MISMATCH: 'The confirmation does not match the new password.',
  PASSWORD_POLICY: 'The new password does not follow the rules shown.',
  CURRENT_PASSWORD_WRONG: 'The current password is incorrect.',
  FLOW_NOT_FOUND: 'This request cannot be found or has ended. Please start again from “Forgot password”.',
  FLOW_EXPIRED: 'This request has expired. Please start again from “Forgot password”.',
  FLOW_OTHER_BROWSER:
    'The code must be entered on the same web page where you made the request. Please start again from this browser.',
  FLOW_WRONG_STATE: 'This step is not available. Please continue where you were.',
  CODE_FORMAT: 'The activation code is made of 6 digits.',
  CODE_WRONG: 'Incorrect activation code. {left} attempt(s) left.',
  CODE_EXPIRED: 'This activation code has expired. Ask for a new code.',
  CODE_TOO_MANY_ATTEMPTS:
    'Too many incorrect codes: this request is closed. Please start again from “Forgot password”.',
  RESEND_TOO_EARLY: 'A new code can be sent in {seconds} seconds.',
  SEND_LIMIT: 'The number of codes allowed has been reached. Please try again tomorrow or contact us.',
  LETTER_TOO_SOON:
    'A letter was already sent to you on {date}. A new letter can only be requested after {next}.',
  FORBIDDEN: 'You do not have the rights needed for this action.',
  TOTP_INVALID: 'Incorrect verification code.',
};

const MESSAGES: Readonly<Record<Locale, Messages>> = { fr, en };

export function errorMessage(
  locale: Locale,
  code: ErrorCode,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return MESSAGES[locale][code].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}
