/*
 * Generic HTTP SMS provider adapter (SESAME_SMS_URL, SESAME_SMS_TOKEN, SESAME_SMS_SENDER).
 *
 * For each SMS, Sésame sends:
 *
 *   POST <SESAME_SMS_URL>
 *   Authorization: Bearer <SESAME_SMS_TOKEN>
 *   Content-Type: application/json
 *
 *   {
 *     "to": "+33612345678",        // recipient, E.164
 *     "from": "MUTUELLE",          // SESAME_SMS_SENDER, alphanumeric sender (≤ 11 characters)
 *     "text": "Mutuelle : votre code d'activation est 123456. Valable 10 min. Ne le communiquez à personne.",
 *     "reference": "42"            // outbox message id, as a string: lets the provider deduplicate retries
 *   }
 *
 * Any 2xx answer within 10 s means accepted; anything else (other status, network error, timeout) is a failed
 * attempt, retried with backoff. The text is in the GSM 03.38 alphabet and at most 160 characters (one SMS).
 * A real provider's adapter is one file implementing Transport<RenderedSms> the same way.
 */
import type { RenderedSms } from './templates.js';
import type { Transport } from './transport.js';

export interface HttpSmsSettings {
  readonly url: string;
  readonly token: string;
  readonly sender: string;
  /** Default 10 s. */
  readonly timeoutMs?: number;
}

/** The documented request body. */
export interface HttpSmsBody {
  readonly to: string;
  readonly from: string;
  readonly text: string;
  readonly reference: string;
}

/** Network failure as one line: the cause's code (ECONNREFUSED…), never the URL's credentials or the text. */
function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `SMS provider did not answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return `SMS provider unreachable: ${cause?.code ?? (error instanceof Error ? error.message : 'unknown error')}`;
}

export function createHttpSmsTransport(settings: HttpSmsSettings): Transport<RenderedSms> {
  const timeoutMs = settings.timeoutMs ?? 10_000;
  return {
    async send(message: RenderedSms): Promise<void> {
      const body: HttpSmsBody = {
        to: message.to,
        from: settings.sender,
        text: message.text,
        reference: String(message.outboxId),
      };
      let response: Response;
      try {
        response = await fetch(settings.url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${settings.token}`,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify(body),
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new Error(describeFetchError(error, timeoutMs));
      }
      // The provider's answer body is not read into the error: it may echo the text, hence the code.
      await response.body?.cancel().catch(() => {});
      if (!response.ok) throw new Error(`SMS provider answered HTTP ${response.status}`);
    },
  };
}
