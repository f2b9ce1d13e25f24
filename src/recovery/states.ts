// The recovery / first-connection flow as data (STYLE.md §2, after Ory Kratos): one row per flow, an
// explicit state, and one function per transition that checks the state it starts from.
// The diagram is in ./README.md.

export const FLOW_STATES = [
  'choosing_channel',
  'awaiting_code',
  'code_verified',
  'completed',
  'letter_requested',
  'failed',
] as const;
export type FlowState = (typeof FLOW_STATES)[number];

export type Transition = 'send_code' | 'resend_code' | 'check_code' | 'set_password' | 'request_letter';

/** Which states each transition may start from. Anything else is FLOW_WRONG_STATE. */
export const ALLOWED_FROM: Readonly<Record<Transition, readonly FlowState[]>> = {
  send_code: ['choosing_channel'],
  resend_code: ['awaiting_code'],
  check_code: ['awaiting_code'],
  set_password: ['code_verified'],
  request_letter: ['choosing_channel'],
};

export const TERMINAL_STATES: readonly FlowState[] = ['completed', 'letter_requested', 'failed'];

export function canTransition(from: string, transition: Transition): boolean {
  return (ALLOWED_FROM[transition] as readonly string[]).includes(from);
}
