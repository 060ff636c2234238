import { Migration } from '@mikro-orm/migrations';
import { appealTagsOf, restoreAppealSnapshot } from '../../machines/appeal';

// Queues that tell the truth at city scale (decision 018).
// 1. The machine tags the states that still owe the citizen an answer (`awaitingAnswer`). Tags follow from the state
//    alone: one row of each distinct tag set is restored through the machine, and every row with that set gets the
//    machine's tags (the GIN index finds them), so the backfill cannot disagree with the machine.
// 2. The handling deadline is met by the answer. Appeals answered in time (on the spot above all) that a later timer
//    marked overdue are put back on time, snapshot and column together, and queued for the report roll-up.
// 3. One partial index per queue, on its keyset columns, with the queue's own predicate.
export class Migration20261204000000_queues extends Migration {
  override name = 'Migration20261204000000_queues';

  override async up(): Promise<void> {
    for (const r of await this.execute(`select distinct tags from appeal`)) {
      const old = arrayOf(r.tags);
      const [one] = await this.execute(`select snapshot from appeal where tags = ?::text[] limit 1`, [pgArray(old)]);
      const tags = appealTagsOf(restoreAppealSnapshot(json(one.snapshot)));
      if (pgArray(tags) === pgArray([...old].sort())) continue;
      await this.execute(`update appeal set tags = ?::text[] where tags = ?::text[]`, [pgArray(tags), pgArray(old)]);
    }
    await this.execute(
      `with fixed as (
         update appeal set sla = 'onTime', snapshot = jsonb_set(snapshot, '{value,sla}', '"onTime"')
          where sla = 'overdue' and tags @> '{submitted}' and not tags @> '{awaitingAnswer}'
            and snapshot->'context'->>'repliedAt' is not null
            and (due_at is null or (snapshot->'context'->>'repliedAt')::timestamptz <= due_at)
          returning id)
       insert into report_dirty (appeal_id, queued_at) select id, now() from fixed on conflict (appeal_id) do nothing`,
    );
    for (const sql of QUEUE_INDEXES) await this.execute(sql);
  }

  override async down(): Promise<void> {
    for (const sql of QUEUE_INDEXES) await this.execute(`drop index if exists "${/"(appeal_\w+)"/.exec(sql)![1]}";`);
  }
}

const QUEUE_INDEXES = [
  `create index "appeal_created_by_index" on "appeal" ("created_by_id", "created_at", "id");`,
  `create index "appeal_queue_drafts_index" on "appeal" ("created_by_id", "created_at", "id") where "tags" @> '{draft}';`,
  `create index "appeal_queue_dispatch_index" on "appeal" ("submitted_at", "id") where "tags" @> '{awaitingDispatch}';`,
  `create index "appeal_queue_reopened_index" on "appeal" ("submitted_at", "id") where "tags" @> '{awaitingDispatch}' and ((snapshot->'context'->>'reopenCount')::int) > 0;`,
  `create index "appeal_queue_returns_index" on "appeal" ("created_at", "id") where "tags" @> '{returnPending}';`,
  `create index "appeal_queue_accept_index" on "appeal" ("lead_department_id", "created_at", "id") where "tags" @> '{awaitingAcceptance}';`,
  `create index "appeal_queue_in_hand_index" on "appeal" ("lead_department_id", "due_at", "id") where "tags" @> '{inHand}';`,
  `create index "appeal_queue_late_index" on "appeal" ("due_at", "id") where "sla" = 'overdue' and "tags" @> '{awaitingAnswer}';`,
  `create index "appeal_queue_late_department_index" on "appeal" ("lead_department_id", "due_at", "id") where "sla" = 'overdue' and "tags" @> '{awaitingAnswer}';`,
  `create index "appeal_queue_warned_index" on "appeal" ("due_at", "id") where "sla" = 'warned' and "tags" @> '{awaitingAnswer}';`,
  `create index "appeal_queue_extension_index" on "appeal" ("due_at", "id") where "tags" @> '{extensionPending}';`,
  `create index "appeal_queue_escalated_index" on "appeal" ("due_at", "id") where "tags" @> '{open}' and (snapshot->'context'->>'escalation') is not null;`,
  `create index "appeal_queue_review_index" on "appeal" ("created_at", "id") where "tags" @> '{awaitingReview}';`,
  `create index "appeal_queue_verification_index" on "appeal" ("updated_at", "id") where "tags" @> '{awaitingVerification}';`,
  `create index "appeal_queue_callback_index" on "appeal" ("callback_due_at", "id") where "tags" @> '{needsCitizen}';`,
  `create index "appeal_queue_dissatisfied_index" on "appeal" ("created_at", "id") where "tags" @> '{dissatisfied}';`,
  `create index "appeal_queue_grid_assigned_index" on "appeal" ("assigned_grid_id", "created_at", "id") where "tags" @> '{needsAssignee}';`,
  `create index "appeal_queue_grid_index" on "appeal" ("grid_id", "created_at", "id") where "tags" @> '{submitted}';`,
  `create index "appeal_queue_recent_index" on "appeal" ("created_at", "id") where not "tags" @> '{draft}';`,
  `create index "appeal_queue_late_holder_index" on "appeal" ("lead_department_id", "assigned_grid_id", "sla") where "sla" <> 'onTime' and "tags" @> '{awaitingAnswer}';`,
  `create index "assignment_assisting_active_index" on "assignment" ("department_id", "appeal_id") where "role" = 'assisting' and "status" = 'active';`,
];

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
// pg returns text[] as an array; PGlite may too, or as its literal.
const arrayOf = (v: unknown): string[] =>
  Array.isArray(v)
    ? (v as string[])
    : String(v)
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);
// Tags are plain identifiers: nothing to quote.
const pgArray = (tags: readonly string[]) => `{${tags.join(',')}}`;
