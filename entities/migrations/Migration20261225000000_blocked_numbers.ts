import { Migration } from '@mikro-orm/migrations';

// The blocked-numbers list (恶意来电/骚扰号码名单): an entry is lifted, never deleted. And the web channel's accept
// clock: by when a web appeal must leave triage, with the partial index of the board's 受理超时.

export class Migration20261225000000_blocked_numbers extends Migration {
  override name = 'Migration20261225000000_blocked_numbers';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "blocked_number" ("id" serial primary key, "phone" varchar(32) not null, "reason" varchar(200) not null, "added_by_id" int not null, "added_at" timestamptz not null, "until" timestamptz null, "lifted_by_id" int null, "lifted_at" timestamptz null);`,
    );
    this.addSql(`alter table "appeal" add column "triage_due_at" timestamptz null;`);
    this.addSql(
      `create index "appeal_queue_triage_late_index" on "appeal" ("triage_due_at", "id") where "tags" @> '{awaitingDispatch}' and "triage_due_at" is not null;`,
    );
    this.addSql(`create index "blocked_number_phone_lifted_at_index" on "blocked_number" ("phone", "lifted_at");`);
    this.addSql(
      `alter table "blocked_number" add constraint "blocked_number_added_by_id_foreign" foreign key ("added_by_id") references "app_user" ("id");`,
    );
    this.addSql(
      `alter table "blocked_number" add constraint "blocked_number_lifted_by_id_foreign" foreign key ("lifted_by_id") references "app_user" ("id") on delete set null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "blocked_number" cascade;`);
    this.addSql(`drop index if exists "appeal_queue_triage_late_index";`);
    this.addSql(`alter table "appeal" drop column if exists "triage_due_at";`);
  }
}
