// Persistence of the anti-robot checks (STYLE.md §8): a handful of methods on the `challenges`,
// `challenge_pictures` and `spent_proofs` tables, the same SQL on SQLite and PostgreSQL. Every spend is
// one conditional UPDATE/INSERT, so two requests racing for the same challenge see exactly one winner.
import type { Store } from '../store/db.js';
import type { ChallengePictureTable, ChallengeTable } from '../store/tables.js';

export type NewChallenge = Omit<ChallengeTable, 'used_at'>;
export type NewChallengePicture = Omit<ChallengePictureTable, 'served_at'>;

export interface ChallengeStore {
  /** The challenge and its pictures, in one transaction. */
  insertChallenge(challenge: NewChallenge, pictures: readonly NewChallengePicture[]): Promise<void>;
  /** Spends the one try of a live challenge; its answer hash, or undefined when unknown/used/expired. */
  spendChallenge(id: string, now: number): Promise<string | undefined>;
  /** Marks a picture of a live, unanswered challenge served; its icon, or undefined the second time. */
  servePicture(token: string, now: number): Promise<string | undefined>;
  /** Records a proof of work as spent until `expiresAt`; false when it was already (a replay). */
  spendProof(id: string, expiresAt: number, now: number): Promise<boolean>;
  /** Deletes expired challenges (their pictures with them) and spent proofs past their expiry. */
  purgeExpired(now: number): Promise<{ challenges: number; proofs: number }>;
}

export function createChallengeStore(store: Store): ChallengeStore {
  const { db } = store;
  return {
    async insertChallenge(challenge, pictures) {
      if (store.dialect === 'postgres') {
        // One statement (one round trip, one commit) on every page view: the challenge is written in the
        // WITH part, and the foreign keys of its pictures are checked at the end of the statement.
        await db
          .with('challenge', (qc) => qc.insertInto('challenges').values({ ...challenge, used_at: null }))
          .insertInto('challenge_pictures')
          .values(pictures.map((p) => ({ ...p, served_at: null })))
          .execute();
        return;
      }
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('challenges')
          .values({ ...challenge, used_at: null })
          .execute();
        await trx
          .insertInto('challenge_pictures')
          .values(pictures.map((p) => ({ ...p, served_at: null })))
          .execute();
      });
    },

    async spendChallenge(id, now) {
      // One statement: the WHERE clause is the check and the SET the spend (STYLE.md §3).
      const row = await db
        .updateTable('challenges')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('answer_hash')
        .executeTakeFirst();
      return row?.answer_hash;
    },

    async servePicture(token, now) {
      const row = await db
        .updateTable('challenge_pictures')
        .set({ served_at: now })
        .where('token', '=', token)
        .where('served_at', 'is', null)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('challenges')
              .select('challenges.id')
              .whereRef('challenges.id', '=', 'challenge_pictures.challenge_id')
              .where('challenges.expires_at', '>', now)
              .where('challenges.used_at', 'is', null),
          ),
        )
        .returning('icon')
        .executeTakeFirst();
      return row?.icon;
    },

    async spendProof(id, expiresAt) {
      const result = await db
        .insertInto('spent_proofs')
        .values({ id, expires_at: expiresAt })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async purgeExpired(now) {
      return db.transaction().execute(async (trx) => {
        const expired = trx.selectFrom('challenges').select('id').where('expires_at', '<=', now);
        await trx.deleteFrom('challenge_pictures').where('challenge_id', 'in', expired).execute();
        const challenges = await trx
          .deleteFrom('challenges')
          .where('expires_at', '<=', now)
          .executeTakeFirst();
        const proofs = await trx.deleteFrom('spent_proofs').where('expires_at', '<=', now).executeTakeFirst();
        return { challenges: Number(challenges.numDeletedRows), proofs: Number(proofs.numDeletedRows) };
      });
    },
  };
}
