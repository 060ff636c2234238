import { Migration } from '@mikro-orm/migrations';

// A complaint about a policy says what went wrong (未收到, 金额不符, 被拒绝, 优亲厚友, 其他).
export class Migration20261217010000_appeal_policy_complaint_kind extends Migration {
  override name = 'Migration20261217010000_appeal_policy_complaint_kind';

  override up(): void | Promise<void> {
    this.addSql(`alter table "appeal_policy" add "complaint_kind" text null;`);
    this.addSql(
      `alter table "appeal_policy" add constraint "appeal_policy_complaint_kind_check" check ("complaint_kind" in ('notReceived', 'wrongAmount', 'refused', 'favouritism', 'other'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "appeal_policy" drop constraint "appeal_policy_complaint_kind_check";`);
    this.addSql(`alter table "appeal_policy" drop column "complaint_kind";`);
  }
}
