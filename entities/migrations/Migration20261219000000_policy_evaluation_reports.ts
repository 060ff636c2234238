import { Migration } from '@mikro-orm/migrations';

// The evaluation's periodic reports: asked for on the page, written by a job, their files by content hash.
export class Migration20261219000000_policy_evaluation_reports extends Migration {
  override name = 'Migration20261219000000_policy_evaluation_reports';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "policy_evaluation_report" ("id" serial primary key, "period_id" int not null, "requested_by_id" int not null, "requested_at" timestamptz not null, "state" text not null, "started_at" timestamptz null, "finished_at" timestamptz null, "failure" text null, "pdf_sha256" varchar(64) null, "pdf_size" int null, "xlsx_sha256" varchar(64) null, "xlsx_size" int null);`,
    );
    this.addSql(
      `create index "policy_evaluation_report_period_id_requested_at_index" on "policy_evaluation_report" ("period_id", "requested_at");`,
    );

    this.addSql(
      `alter table "policy_evaluation_report" add constraint "policy_evaluation_report_period_id_foreign" foreign key ("period_id") references "policy_period" ("id");`,
    );
    this.addSql(
      `alter table "policy_evaluation_report" add constraint "policy_evaluation_report_requested_by_id_foreign" foreign key ("requested_by_id") references "app_user" ("id");`,
    );
    this.addSql(
      `alter table "policy_evaluation_report" add constraint "policy_evaluation_report_state_check" check ("state" in ('queued', 'running', 'done', 'failed'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "policy_evaluation_report" cascade;`);
  }
}
