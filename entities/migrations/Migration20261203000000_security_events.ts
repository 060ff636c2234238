import { Migration } from '@mikro-orm/migrations';

// The security audit trail, append-only like the appeal trail: a trigger refuses update and delete.
export class Migration20261203000000_security_events extends Migration {
  override name = 'Migration20261203000000_security_events';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "security_event" ("id" bigserial primary key, "at" timestamptz not null, "kind" varchar(32) not null, "actor_id" int null, "subject_id" int null, "username" varchar(64) null, "ip" varchar(64) null, "user_agent" varchar(255) null, "detail" jsonb not null default '{}');`,
    );
    this.addSql(`create index "security_event_at_index" on "security_event" ("at");`);
    this.addSql(`create index "security_event_kind_index" on "security_event" ("kind");`);
    this.addSql(`create index "security_event_actor_id_index" on "security_event" ("actor_id");`);
    this.addSql(`create index "security_event_subject_id_index" on "security_event" ("subject_id");`);
    this.addSql(
      `alter table "security_event" add constraint "security_event_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "security_event" add constraint "security_event_subject_id_foreign" foreign key ("subject_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(
      `create or replace function "security_event_security_event_no_update_fn"() returns trigger as \$\$ begin raise exception 'security_event is append-only (% refused)', tg_op; end; \$\$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "security_event_no_update" BEFORE UPDATE OR DELETE on "security_event" for each ROW execute function "security_event_security_event_no_update_fn"();`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "security_event" cascade;`);
    this.addSql(`drop function if exists "security_event_security_event_no_update_fn"();`);
  }
}
