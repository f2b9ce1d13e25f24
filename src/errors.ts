// One error registry (STYLE.md §5). The code is also the key of the message in src/i18n/errors.ts.
// `shown: false` errors are only logged: the page shows the generic INTERNAL message instead.
export const ERRORS = {
  BAD_REQUEST: { status: 400, shown: true },
  CSRF_INVALID: { status: 403, shown: true },
  ORIGIN_REFUSED: { status: 403, shown: true },
  NOT_FOUND: { status: 404, shown: true },
  PAYLOAD_TOO_LARGE: { status: 413, shown: true },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, shown: true },
  RATE_LIMITED: { status: 429, shown: true },
  INTERNAL: { status: 500, shown: true },
  UNAVAILABLE: { status: 503, shown: true },
  INVALID_CREDENTIALS: { status: 401, shown: true },
  SIGN_IN_BLOCKED: { status: 429, shown: true },
  STAFF_SIGN_IN_BLOCKED: { status: 429, shown: true },
  MEMBER_NUMBER_INVALID: { status: 400, shown: true },
  MEMBER_NUMBER_MALFORMED: { status: 400, shown: true },
  FIELD_REQUIRED: { status: 400, shown: true },
  ANTI_ROBOT_FAILED: { status: 400, shown: true },
  SESSION_REQUIRED: { status: 401, shown: true },
  PASSWORD_MISMATCH: { status: 400, shown: true },
  PASSWORD_POLICY: { status: 400, shown: true },
  CURRENT_PASSWORD_WRONG: { status: 400, shown: true },
  FLOW_NOT_FOUND: { status: 400, shown: true },
  FLOW_EXPIRED: { status: 400, shown: true },
  FLOW_OTHER_BROWSER: { status: 400, shown: true },
  FLOW_WRONG_STATE: { status: 400, shown: true },
  CODE_FORMAT: { status: 400, shown: true },
  CODE_WRONG: { status: 400, shown: true },
  CODE_EXPIRED: { status: 400, shown: true },
  CODE_TOO_MANY_ATTEMPTS: { status: 400, shown: true },
  RESEND_TOO_EARLY: { status: 429, shown: true },
  SEND_LIMIT: { status: 429, shown: true },
  LETTER_TOO_SOON: { status: 429, shown: true },
  FORBIDDEN: { status: 403, shown: true },
  TOTP_INVALID: { status: 400, shown: true },
} as const satisfies Record<string, { status: number; shown: boolean }>;

export type ErrorCode = keyof typeof ERRORS;

export class SesameError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** Internal cause: logged, never shown. */
    readonly detail?: string,
    /** Values for the message (e.g. the minutes to wait). */
    readonly params: Readonly<Record<string, string | number>> = {},
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'SesameError';
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
}
