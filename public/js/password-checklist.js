// Live password checklist: progressive enhancement of the server-rendered rule list (the page works without
// it, and the server re-checks every rule). Plain ES2017 module, no dependency, no inline script (CSP).
//
//   <input type="password" id="new_password" data-password-checklist="password-rules">
//   <ul id="password-rules" data-min-length="12" data-max-length="128" data-forbidden-chars="'%\_"
//       data-text-pass="respectée" data-text-fail="non respectée" data-text-unchecked="vérifiée à l’envoi">
//     <li data-rule="min-length">Au moins 12 caractères</li> …
//     <li data-rule="confirm-match">La confirmation est identique au nouveau mot de passe</li>
//   </ul>
//   <input type="password" id="confirm_password" data-confirm-for="new_password">
//
// Each <li> gets the class `ok` or `ko`, and a visually hidden status text (data-text-*) that a screen reader
// reads with the rule. Rules the browser cannot check (blocklist, personal words, strength) go back to
// "checked when sent" once the member types, since a result from the last submit no longer applies.

const CLIENT_RULES = ['min-length', 'max-length', 'digit', 'upper', 'lower', 'special', 'no-forbidden-chars'];
const CONFIRM_RULE = 'confirm-match';
const STATUS_ATTR = 'data-rule-status';

// Same definition as src/passwords/policy.ts: anything that is neither a letter nor a number. Built with
// the RegExp constructor so that browsers without \p{…} support fall back instead of failing to parse.
const SPECIAL = (() => {
  try {
    return /[^\p{L}\p{N}]/u;
  } catch (_) {
    return null;
  }
})();

function isSpecial(ch) {
  if (SPECIAL) return SPECIAL.test(ch);
  return !/[0-9]/.test(ch) && ch.toLowerCase() === ch.toUpperCase();
}

/** The NFC form, counted in code points like the server does. */
export function countCharacters(value) {
  const normalized = typeof value.normalize === 'function' ? value.normalize('NFC') : value;
  return Array.from(normalized).length;
}

/** Rule id → true/false for the rules a browser can check; `policy` is read from the list's data-*. */
export function evaluateRules(value, policy) {
  const normalized = typeof value.normalize === 'function' ? value.normalize('NFC') : value;
  const chars = Array.from(normalized);
  const result = {
    'min-length': chars.length >= policy.minLength,
    'max-length': chars.length <= policy.maxLength,
    digit: /[0-9]/.test(normalized),
    upper: chars.some((ch) => ch !== ch.toLowerCase()),
    lower: chars.some((ch) => ch !== ch.toUpperCase()),
    special: chars.some(isSpecial),
    'no-forbidden-chars': !chars.some((ch) => policy.forbiddenChars.indexOf(ch) !== -1),
  };
  return result;
}

function readPolicy(list) {
  return {
    minLength: Number(list.getAttribute('data-min-length')) || 0,
    maxLength: Number(list.getAttribute('data-max-length')) || Number.POSITIVE_INFINITY,
    forbiddenChars: list.getAttribute('data-forbidden-chars') || '',
  };
}

/** state: 'pass', 'fail', 'unchecked' or '' (nothing typed yet: no mark at all). */
function showState(list, item, state) {
  item.classList.remove('ok', 'ko');
  if (state === 'pass') item.classList.add('ok');
  if (state === 'fail') item.classList.add('ko');
  const text = state ? list.getAttribute(`data-text-${state}`) : '';
  let status = item.querySelector(`[${STATUS_ATTR}]`);
  if (!status && text) {
    status = document.createElement('span');
    status.setAttribute(STATUS_ATTR, '');
    status.className = 'visually-hidden';
    item.appendChild(status);
  }
  if (status) status.textContent = text ? ` (${text})` : '';
}

function updateConfirm(list, password, confirm) {
  const item = list.querySelector(`li[data-rule="${CONFIRM_RULE}"]`);
  if (!item || !confirm) return;
  if (!confirm.value) showState(list, item, '');
  else showState(list, item, confirm.value === password.value ? 'pass' : 'fail');
}

function updateRules(list, password) {
  const value = password.value;
  const outcome = evaluateRules(value, readPolicy(list));
  const items = list.querySelectorAll('li[data-rule]');
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const id = item.getAttribute('data-rule');
    if (id === CONFIRM_RULE) continue;
    if (!value) showState(list, item, '');
    else if (CLIENT_RULES.indexOf(id) !== -1) showState(list, item, outcome[id] ? 'pass' : 'fail');
    else showState(list, item, 'unchecked');
  }
}

function enhance(password) {
  const list = document.getElementById(password.getAttribute('data-password-checklist'));
  if (!list) return;
  const confirm = password.id ? document.querySelector(`input[data-confirm-for="${password.id}"]`) : null;
  const onPassword = () => {
    updateRules(list, password);
    updateConfirm(list, password, confirm);
  };
  password.addEventListener('input', onPassword);
  if (confirm) confirm.addEventListener('input', () => updateConfirm(list, password, confirm));
  // A value restored by the browser (back button) is checked at once; an empty field keeps the
  // server's marks from the last submit.
  if (password.value) onPassword();
}

function start() {
  const inputs = document.querySelectorAll('input[data-password-checklist]');
  for (let i = 0; i < inputs.length; i++) enhance(inputs[i]);
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
