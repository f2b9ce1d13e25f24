import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALLOWED_FROM, canTransition, FLOW_STATES, type Transition } from '../../src/recovery/states.js';

describe('recovery state machine', () => {
  const expected: Record<Transition, string[]> = {
    send_code: ['choosing_channel'],
    resend_code: ['awaiting_code'],
    check_code: ['awaiting_code'],
    set_password: ['code_verified'],
    request_letter: ['choosing_channel'],
  };
  for (const transition of Object.keys(expected) as Transition[]) {
    for (const state of FLOW_STATES) {
      const allowed = expected[transition].includes(state);
      it(`${allowed ? 'allows' : 'refuses'} ${transition} from ${state}`, () => {
        assert.equal(canTransition(state, transition), allowed);
      });
    }
  }
  it('refuses every transition from an unknown state', () => {
    for (const transition of Object.keys(ALLOWED_FROM) as Transition[])
      assert.equal(canTransition('hacked', transition), false);
  });
});
