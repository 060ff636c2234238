import { Migration } from '@mikro-orm/migrations';
import { appealTagsOf, restoreAppealSnapshot } from '../../machines/appeal';
import type { ReferralKind } from '../../machines/appeal-events';
import { referralTagsOf, restoreReferralSnapshot } from '../../machines/referral-kit';
import { referralDefinition } from '../../machines/referrals';

// The machines tag more of their states (drafts, what the reports count, one tag per work queue; open or closed on
// every referral case), and the department and agency queues select open rows by tag. Tags follow from the state
// alone, so each distinct state is restored once through its machine, from one of its own rows, and every row in
// that state gets its tags: the backfill cannot disagree with the machines, however many rows there are.
export class Migration20261202002356_open_tags_indexes extends Migration {
  override name = 'Migration20261202002356_open_tags_indexes';

  override async up(): Promise<void> {
    for (const r of await this.execute(`select distinct on (snapshot->'value') snapshot from appeal`)) {
      const snapshot = json(r.snapshot) as { value: unknown };
      await this.execute(`update appeal set tags = ?::text[] where snapshot->'value' = ?::jsonb`, [
        pgArray(appealTagsOf(restoreAppealSnapshot(snapshot))),
        JSON.stringify(snapshot.value),
      ]);
    }
    for (const r of await this.execute(`select distinct on (kind, snapshot->'value') kind, snapshot from referral`)) {
      const snapshot = json(r.snapshot) as { value: unknown };
      const tags = referralTagsOf(restoreReferralSnapshot(referralDefinition(r.kind as ReferralKind), snapshot));
      await this.execute(`update referral set tags = ?::text[] where kind = ? and snapshot->'value' = ?::jsonb`, [
        pgArray(tags),
        r.kind,
        JSON.stringify(snapshot.value),
      ]);
    }

    await this.execute(`drop index "appeal_department_worklist_index";`);
    await this.execute(`create index "appeal_department_open_index" on "appeal" ("lead_department_id", "due_at", "id")
      where "tags" @> '{open}';`);

    await this.execute(`drop index "referral_agency_queue_index";`);
    await this.execute(`create index "referral_agency_open_index" on "referral" ("agency_id", "next_due_at", "id")
      where "tags" @> '{open}';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "appeal_department_open_index";`);
    this.addSql(`create index "appeal_department_worklist_index" on "appeal" ("lead_department_id", "due_at", "id")
      where "phase" not in ('closed', 'merged', 'void', 'draft');`);

    this.addSql(`drop index "referral_agency_open_index";`);
    this.addSql(`create index "referral_agency_queue_index" on "referral" ("agency_id", "next_due_at", "id")
      where "closed_at" is null;`);
  }
}

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
// Tags are plain identifiers: nothing to quote.
const pgArray = (tags: readonly string[]) => `{${tags.join(',')}}`;
