import type { Kysely } from 'kysely';

// The back office filters the audit trail by event, member number and actor over date ranges, and the
// dashboard counts events per day: without these indexes each page scans the whole table.
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_events_event_at').on('audit_events').columns(['event', 'at']).execute();
  await db.schema
    .createIndex('audit_events_number_at')
    .on('audit_events')
    .columns(['member_number', 'at'])
    .execute();
  await db.schema.createIndex('audit_events_actor_at').on('audit_events').columns(['actor', 'at']).execute();
  await db.schema.createIndex('letters_batch').on('letters').column('batch_id').execute();
}
