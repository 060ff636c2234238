import { Migration } from '@mikro-orm/migrations';
import { appealTagsOf, restoreAppealSnapshot } from '../../machines/appeal';
import { referralTagsOf, restoreReferralSnapshot } from '../../machines/referral-kit';
import { referralDefinition } from '../../machines/referrals';
import type { ReferralKind } from '../../machines/appeal-events';

// The machines' tags become a column written with every step. Existing rows get theirs from
// their own snapshots, restored by the machines, so the backfill cannot disagree with them.
export class Migration20261202000408_tags extends Migration {
  override name = 'Migration20261202000408_tags';

  override async up(): Promise<void> {
    await this.execute(`alter table "appeal" add "tags" text[] not null default '{}';`);
    await this.execute(`alter table "referral" add "tags" text[] not null default '{}';`);
    await this.execute(`create index "appeal_tags_index" on "appeal" using gin ("tags");`);
    await this.backfill('appeal', 'select id, snapshot from appeal', (r) =>
      appealTagsOf(restoreAppealSnapshot(json(r.snapshot))),
    );
    await this.backfill('referral', 'select id, kind, snapshot from referral', (r) =>
      referralTagsOf(restoreReferralSnapshot(referralDefinition(r.kind as ReferralKind), json(r.snapshot))),
    );
  }

  private async backfill(
    table: 'appeal' | 'referral',
    select: string,
    tagsOf: (row: Record<string, unknown>) => string[],
  ) {
    const rows = await this.execute(select);
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000).map((r) => ({ id: r.id, tags: tagsOf(r) }));
      await this.execute(
        `update "${table}" t set tags = array(select jsonb_array_elements_text(v.tags))
           from jsonb_to_recordset(?::jsonb) as v(id int, tags jsonb) where t.id = v.id`,
        [JSON.stringify(batch)],
      );
    }
  }

  override async down(): Promise<void> {
    await this.execute(`drop index if exists "appeal_tags_index";`);
    await this.execute(`alter table "appeal" drop column "tags";`);
    await this.execute(`alter table "referral" drop column "tags";`);
  }
}

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
