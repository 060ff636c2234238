import { Migration } from '@mikro-orm/migrations';

export class Migration20261123193924_report_rollups extends Migration {
  override name = 'Migration20261123193924_report_rollups';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "appeal_fact" ("appeal_id" int not null, "day" date not null, "source" varchar(16) not null, "category_id" int not null, "department_id" int null, "grid_id" int null, "received" int not null default 0, "dispatched_appeals" int not null default 0, "feedback" int not null default 0, "resolved" int not null default 0, "satisfaction_base" int not null default 0, "satisfied" int not null default 0, "closed" int not null default 0, "closed_on_time" int not null default 0, "overdue" int not null default 0, "replied" int not null default 0, "handling_centidays" bigint not null default '0', "returned" int not null default 0, "redone" int not null default 0, "extended" int not null default 0, "repeat_callers" int not null default 0, "unreasonable" int not null default 0, primary key ("appeal_id"));`,
    );
    this.addSql(`create index "appeal_fact_day_index" on "appeal_fact" ("day");`);
    this.addSql(`create index "appeal_fact_department_day_index" on "appeal_fact" ("department_id", "day");`);
    this.addSql(`create index "appeal_fact_category_day_index" on "appeal_fact" ("category_id", "day");`);
    this.addSql(`create index "appeal_fact_grid_day_index" on "appeal_fact" ("grid_id", "day");`);

    this.addSql(
      `create table "order_fact" ("assignment_id" int not null, "appeal_id" int not null, "day" date not null, "source" varchar(16) not null, "category_id" int not null, "department_id" int null, "grid_id" int null, "orders" int not null default 0, "orders_on_time" int not null default 0, primary key ("assignment_id"));`,
    );
    this.addSql(`create index "order_fact_appeal_index" on "order_fact" ("appeal_id");`);
    this.addSql(`create index "order_fact_department_day_index" on "order_fact" ("department_id", "day");`);

    this.addSql(
      `create table "report_cell" ("dim" varchar(16) not null, "key" varchar(32) not null, "day" date not null, "received" int not null default 0, "dispatched_appeals" int not null default 0, "feedback" int not null default 0, "resolved" int not null default 0, "satisfaction_base" int not null default 0, "satisfied" int not null default 0, "closed" int not null default 0, "closed_on_time" int not null default 0, "overdue" int not null default 0, "replied" int not null default 0, "handling_centidays" bigint not null default '0', "returned" int not null default 0, "redone" int not null default 0, "extended" int not null default 0, "repeat_callers" int not null default 0, "unreasonable" int not null default 0, "orders" int not null default 0, "orders_on_time" int not null default 0, primary key ("dim", "key", "day"));`,
    );

    this.addSql(
      `create table "report_dirty" ("appeal_id" int not null, "queued_at" timestamptz not null, primary key ("appeal_id"));`,
    );
    // Appeals filed before the roll-ups existed are counted by the first drain.
    this.addSql(
      `insert into "report_dirty" ("appeal_id", "queued_at") select "id", now() from "appeal" where "submitted_at" is not null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "appeal_fact" cascade;`);
    this.addSql(`drop table if exists "order_fact" cascade;`);
    this.addSql(`drop table if exists "report_cell" cascade;`);
    this.addSql(`drop table if exists "report_dirty" cascade;`);
  }
}
