// The member-number format is an operator setting (SESAME_MEMBER_NUMBER_PATTERN): the pages apply the pattern
// whole, and only spell out « 6 à 10 chiffres » when that is the pattern in force.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { antiRobotAnswer, Browser, buildTestApp, type TestApp, textOf } from '../helpers/app.js';
import { GOOD_PASSWORD, seedMember } from '../helpers/members.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

const sqlite = DIALECTS.find((d) => d.name === 'sqlite') as (typeof DIALECTS)[number];

async function postNumber(t: TestApp, path: string, fields: Record<string, string>) {
  const b = new Browser(t.app);
  const page = await b.get(path);
  return b.post(path, { ...fields, ...antiRobotAnswer(page.body, t.answerIndex) });
}

describe('an operator-defined member-number format', () => {
  let store: TestStore;
  let t: TestApp;
  before(async () => {
    store = await sqlite.open();
    // Unanchored on purpose: Sésame anchors it, so « AB123456 » matches but « xAB1234567 » does not.
    t = await buildTestApp(store, { SESAME_MEMBER_NUMBER_PATTERN: '[A-Z]{2}[0-9]{6}' });
    await seedMember(store, { number: 'AB123456', password: GOOD_PASSWORD });
  });
  after(async () => {
    await t.close();
    await store.dispose();
  });

  it('signs in with a number of that format', async () => {
    const res = await postNumber(t, '/connexion', { member_number: 'AB123456', password: GOOD_PASSWORD });
    assert.equal(res.status, 303);
  });

  it('refuses other formats on both pages without promising digits', async () => {
    for (const [path, extra] of [
      ['/connexion', { password: GOOD_PASSWORD }],
      ['/mot-de-passe-oublie/numero', {}],
    ] as const) {
      for (const number of ['123456', 'xAB1234567', 'AB123456 and more']) {
        const res = await postNumber(t, path, { member_number: number, ...extra });
        assert.equal(res.status, 400, `${path} ${number}`);
        const text = textOf(res.body);
        assert.match(text, /n’a pas le format attendu/);
        assert.doesNotMatch(text, /6 à 10 chiffres/);
        assert.match(text, /Indiqué sur votre carte d’adhérent/);
        assert.doesNotMatch(res.body, /id="member_number"[^>]*inputmode="numeric"/, 'letters can be typed');
      }
    }
  });
});

describe('the default member-number format', () => {
  let store: TestStore;
  let t: TestApp;
  before(async () => {
    store = await sqlite.open();
    t = await buildTestApp(store);
  });
  after(async () => {
    await t.close();
    await store.dispose();
  });

  it('says what a member number is made of', async () => {
    const res = await postNumber(t, '/mot-de-passe-oublie/numero', { member_number: '12ab56' });
    assert.equal(res.status, 400);
    assert.match(textOf(res.body), /uniquement des chiffres \(6 à 10 chiffres\)/);
    assert.match(res.body, /id="member_number"[^>]*inputmode="numeric"/, 'phones show their number pad');
  });
});
