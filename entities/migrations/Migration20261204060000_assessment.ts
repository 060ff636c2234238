import { Migration } from '@mikro-orm/migrations';

export class Migration20261204060000_assessment extends Migration {
  override name = 'Migration20261204060000_assessment';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "assessment_scheme" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "valid_from" date not null, "response_weight" int not null, "resolution_weight" int not null, "satisfaction_weight" int not null, "overdue_centipoints" int not null, "redone_centipoints" int not null, "note" varchar(200) null, "created_by_id" int null);`,
    );
    this.addSql(`create index "assessment_scheme_valid_from_index" on "assessment_scheme" ("valid_from");`);

    this.addSql(
      `alter table "assessment_scheme" add constraint "assessment_scheme_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on delete set null;`,
    );

    // Every installation scores from its first month: the city's usual weights until an admin adds a version.
    this.addSql(
      `insert into "assessment_scheme" ("created_at", "updated_at", "valid_from", "response_weight", "resolution_weight", "satisfaction_weight", "overdue_centipoints", "redone_centipoints", "note") values (now(), now(), '2000-01-01', 10, 45, 45, 100, 200, '默认考核办法');`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "assessment_scheme" cascade;`);
  }
}
