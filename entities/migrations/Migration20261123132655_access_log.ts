import { Migration } from '@mikro-orm/migrations';

export class Migration20261123132655_access_log extends Migration {
  override name = 'Migration20261123132655_access_log';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "access_log" ("id" bigserial primary key, "user_id" int not null, "appeal_id" int not null, "field" text not null, "at" timestamptz not null);`,
    );
    this.addSql(`create index "access_log_appeal_id_index" on "access_log" ("appeal_id");`);

    this.addSql(
      `alter table "access_log" add constraint "access_log_user_id_foreign" foreign key ("user_id") references "app_user" ("id");`,
    );
    this.addSql(
      `alter table "access_log" add constraint "access_log_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id");`,
    );
    this.addSql(
      `alter table "access_log" add constraint "access_log_field_check" check ("field" in ('callerPhone', 'idNumber'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "access_log" cascade;`);
  }
}
