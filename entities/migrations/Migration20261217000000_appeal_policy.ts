import { Migration } from '@mikro-orm/migrations';

// What an appeal about a policy is about: the policy, maybe one implementation record, consultation or complaint.
export class Migration20261217000000_appeal_policy extends Migration {
  override name = 'Migration20261217000000_appeal_policy';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "appeal_policy" ("id" serial primary key, "appeal_id" int not null, "policy_id" int not null, "record_id" int null, "reason" text not null, "created_by_id" int not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "appeal_policy" add constraint "appeal_policy_appeal_id_unique" unique ("appeal_id");`);
    this.addSql(`create index "appeal_policy_record_id_index" on "appeal_policy" ("record_id");`);
    this.addSql(`create index "appeal_policy_policy_id_reason_index" on "appeal_policy" ("policy_id", "reason");`);

    this.addSql(
      `alter table "appeal_policy" add constraint "appeal_policy_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "appeal_policy" add constraint "appeal_policy_policy_id_foreign" foreign key ("policy_id") references "policy" ("id");`,
    );
    this.addSql(
      `alter table "appeal_policy" add constraint "appeal_policy_record_id_foreign" foreign key ("record_id") references "policy_record" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "appeal_policy" add constraint "appeal_policy_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id");`,
    );
    this.addSql(
      `alter table "appeal_policy" add constraint "appeal_policy_reason_check" check ("reason" in ('consultation', 'complaint'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "appeal_policy" cascade;`);
  }
}
