import { Migration } from '@mikro-orm/migrations';

// Inbound events from other city systems: each client's event types mapped to categories, one row per (client,
// event id) naming the appeal it became, and the signatures seen within the timestamp window.

export class Migration20261228000000_city_events extends Migration {
  override name = 'Migration20261228000000_city_events';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "city_event_type" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "client_id" int not null, "scene" varchar(40) not null, "code" varchar(40) not null, "name" varchar(100) not null, "category_id" int not null, "active" boolean not null default true, "version" int not null default 1);`,
    );
    this.addSql(
      `alter table "city_event_type" add constraint "city_event_type_client_id_scene_code_unique" unique ("client_id", "scene", "code");`,
    );

    this.addSql(
      `create table "city_event" ("id" serial primary key, "client_id" int not null, "event_id" varchar(100) not null, "body_hash" varchar(64) not null, "scene" varchar(40) not null, "type_code" varchar(40) not null, "appeal_id" int null, "routed" text not null, "department_id" int null, "media" jsonb not null, "reporter" varchar(100) null, "occurred_at" timestamptz not null, "received_at" timestamptz not null);`,
    );
    this.addSql(`create index "city_event_received_at_index" on "city_event" ("received_at");`);
    this.addSql(`create index "city_event_appeal_id_index" on "city_event" ("appeal_id");`);
    this.addSql(
      `alter table "city_event" add constraint "city_event_client_id_event_id_unique" unique ("client_id", "event_id");`,
    );
    this.addSql(
      `alter table "city_event" add constraint "city_event_routed_check" check ("routed" in ('catalogue', 'triage'));`,
    );

    this.addSql(
      `create table "city_event_signature" ("signature" varchar(64) not null, "client_id" int not null, "expires_at" timestamptz not null, primary key ("signature"));`,
    );
    this.addSql(`create index "city_event_signature_expires_at_index" on "city_event_signature" ("expires_at");`);

    this.addSql(
      `alter table "city_event_type" add constraint "city_event_type_client_id_foreign" foreign key ("client_id") references "api_client" ("id");`,
    );
    this.addSql(
      `alter table "city_event_type" add constraint "city_event_type_category_id_foreign" foreign key ("category_id") references "category" ("id");`,
    );

    this.addSql(
      `alter table "city_event" add constraint "city_event_client_id_foreign" foreign key ("client_id") references "api_client" ("id");`,
    );
    this.addSql(
      `alter table "city_event" add constraint "city_event_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "city_event" add constraint "city_event_department_id_foreign" foreign key ("department_id") references "department" ("id") on delete set null;`,
    );

    this.addSql(
      `alter table "city_event_signature" add constraint "city_event_signature_client_id_foreign" foreign key ("client_id") references "api_client" ("id");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "city_event_signature" cascade;`);
    this.addSql(`drop table if exists "city_event" cascade;`);
    this.addSql(`drop table if exists "city_event_type" cascade;`);
  }
}
