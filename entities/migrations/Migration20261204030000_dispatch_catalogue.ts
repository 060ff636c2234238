import { Migration } from '@mikro-orm/migrations';

// 派单目录 (dispatch catalogue): category × area (district, street or grid) → lead department and the usual
// assisting ones, each entry valid between two local days.
export class Migration20261204030000_dispatch_catalogue extends Migration {
  override name = 'Migration20261204030000_dispatch_catalogue';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "dispatch_catalogue_entry" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "category_id" int not null, "area_department_id" int null, "grid_id" int null, "lead_department_id" int not null, "valid_from" date not null, "valid_to" date null, "note" varchar(200) null);`,
    );
    this.addSql(
      `create index "dispatch_catalogue_entry_category_valid_index" on "dispatch_catalogue_entry" ("category_id", "valid_from");`,
    );
    this.addSql(
      `create table "dispatch_catalogue_assisting" ("dispatch_catalogue_entry_id" int not null, "department_id" int not null, primary key ("dispatch_catalogue_entry_id", "department_id"));`,
    );
    this.addSql(
      `alter table "dispatch_catalogue_entry" add constraint "dispatch_catalogue_entry_category_id_foreign" foreign key ("category_id") references "category" ("id");`,
    );
    this.addSql(
      `alter table "dispatch_catalogue_entry" add constraint "dispatch_catalogue_entry_area_department_id_foreign" foreign key ("area_department_id") references "department" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "dispatch_catalogue_entry" add constraint "dispatch_catalogue_entry_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "dispatch_catalogue_entry" add constraint "dispatch_catalogue_entry_lead_department_id_foreign" foreign key ("lead_department_id") references "department" ("id");`,
    );
    this.addSql(
      `alter table "dispatch_catalogue_assisting" add constraint "dispatch_catalogue_assisting_dispatch_catalogue__f344c_foreign" foreign key ("dispatch_catalogue_entry_id") references "dispatch_catalogue_entry" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "dispatch_catalogue_assisting" add constraint "dispatch_catalogue_assisting_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "dispatch_catalogue_assisting" cascade;`);
    this.addSql(`drop table if exists "dispatch_catalogue_entry" cascade;`);
  }
}
