import { escapeHtml } from '@kitajs/html';
import type { Texts } from '../../i18n/catalogue.js';
import {
  CONFIRM_RULE_ID,
  describePolicy,
  describeRule,
  type PolicyPreset,
  type RuleId,
} from '../../passwords/policy.js';

export interface PasswordFieldsProps {
  readonly t: Texts;
  readonly preset: PolicyPreset;
  readonly newLabel: string;
  readonly confirmLabel: string;
  /** Rules that failed on the last submit, marked as such before any script runs. */
  readonly failed?: readonly RuleId[];
  readonly mismatch?: boolean;
}

/**
 * « Nouveau mot de passe » and « Confirmation du mot de passe » with the rule checklist. The list is real
 * HTML (it works without JavaScript); public/js/password-checklist.js ticks it live as the member types.
 */
export function PasswordFields(p: PasswordFieldsProps): JSX.Element {
  const policy = describePolicy(p.preset, p.t.passwords);
  const failed = new Set<string>(p.failed ?? []);
  const state = (id: string) => (failed.has(id) ? 'ko' : undefined);
  // A failed rule is said in words, not only by its colour and ✗ (RGAA 3.1, 11.10): the same hidden status
  // the live checklist writes, so a screen reader hears it even without JavaScript.
  const failedMark = (ko: boolean): JSX.Element =>
    ko ? (
      <span class="visually-hidden" data-rule-status="">
        {escapeHtml(` (${p.t.passwords.ruleStatus.fail})`)}
      </span>
    ) : (
      ''
    );
  return (
    <>
      <div class="field">
        <label for="new_password">{escapeHtml(p.newLabel)}</label>
        <input
          id="new_password"
          name="new_password"
          type="password"
          autocomplete="new-password"
          required
          maxlength="1024"
          aria-describedby="password-rules"
          aria-invalid={failed.size > 0 ? 'true' : undefined}
          data-password-checklist="password-rules"
        />
      </div>
      <div class="rules" id="password-rules-box">
        <p class="rules__title" id="password-rules-title" safe>
          {p.t.passwords.checklistTitle}
        </p>
        <ul id="password-rules" class="checklist" {...policy.dataAttributes}>
          {policy.rules.map((r) => (
            <li data-rule={r.id} class={state(r.id)}>
              {escapeHtml(describeRule(p.t.passwords, r.id, policy))}
              {failedMark(failed.has(r.id)) as 'safe'}
            </li>
          ))}
          <li data-rule={CONFIRM_RULE_ID} class={p.mismatch ? 'ko' : undefined}>
            {escapeHtml(describeRule(p.t.passwords, CONFIRM_RULE_ID, policy))}
            {failedMark(p.mismatch === true) as 'safe'}
          </li>
        </ul>
      </div>
      <div class="field">
        <label for="confirm_password">{escapeHtml(p.confirmLabel)}</label>
        <input
          id="confirm_password"
          name="confirm_password"
          type="password"
          autocomplete="new-password"
          required
          maxlength="1024"
          aria-invalid={p.mismatch ? 'true' : undefined}
          data-confirm-for="new_password"
        />
      </div>
    </>
  );
}
