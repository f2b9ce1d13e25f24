import { escapeHtml } from '@kitajs/html';
import { ALTCHA_CSS_URL, ALTCHA_SETUP_URL, type AntiRobotCheck } from '../../anti-robot/index.js';
import type { Texts } from '../../i18n/catalogue.js';

/**
 * The anti-robot block of a form (DESIGN.md §5): six pictures as radio buttons (keyboard and no-JS work),
 * and the proof-of-work alternative next to them for members who cannot see the pictures (RGAA 1.5,
 * WCAG 3.3.8). Nothing here reveals the answer: values and alt texts are neutral.
 */
export function AntiRobotFields({ check, t }: { check: AntiRobotCheck; t: Texts }): JSX.Element {
  const a = t.antiRobot;
  if (check.mode === 'off') return '';
  const widget = check.altcha ? (
    <altcha-widget
      challenge={check.altcha.challenge}
      name={check.altcha.name}
      language={check.altcha.language}
      configuration={check.altcha.configuration}
      data-strings={check.altcha['data-strings']}
    />
  ) : (
    ''
  );
  if (!check.image) {
    return (
      <fieldset class="anti-robot">
        <legend>{escapeHtml(a.altchaOnlyLegend)}</legend>
        <p class="hint">{escapeHtml(a.altchaOnlyExplanation)}</p>
        {widget as 'safe'}
        <noscript>
          <p class="hint">{escapeHtml(a.noScript)}</p>
        </noscript>
      </fieldset>
    );
  }
  const image = check.image;
  return (
    <fieldset class="anti-robot">
      <legend>
        {escapeHtml(a.instruction)}{' '}
        <strong class="anti-robot__word" safe>
          {image.word}
        </strong>
      </legend>
      <input type="hidden" name="challenge_id" value={image.id} />
      <div class="pictures">
        {image.choices.map((c, i) => (
          <div class="picture">
            <input type="radio" id={`choice-${i + 1}`} name="challenge_choice" value={c.value} />
            <label for={`choice-${i + 1}`}>
              <img src={c.pictureUrl} alt={c.alt} width="96" height="96" />
            </label>
          </div>
        ))}
      </div>
      {check.altcha ? (
        <details class="alternative">
          <summary>{escapeHtml(a.alternativeHeading)}</summary>
          <p class="hint">{escapeHtml(a.alternativeExplanation)}</p>
          {widget as 'safe'}
        </details>
      ) : (
        ''
      )}
    </fieldset>
  );
}

export const ANTI_ROBOT_SCRIPTS: readonly string[] = [ALTCHA_SETUP_URL];
export const ANTI_ROBOT_STYLES: readonly string[] = [ALTCHA_CSS_URL];

declare global {
  namespace JSX {
    interface IntrinsicElements {
      'altcha-widget': {
        challenge?: string;
        name?: string;
        language?: string;
        configuration?: string;
        'data-strings'?: string;
      };
    }
  }
}
