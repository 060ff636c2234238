import { Migration } from '@mikro-orm/migrations';

// 政策库: policies with their items, a frozen copy of each published version with its search tokens, the
// cooperating departments and the policy's hash-chained audit trail.
export class Migration20261210000000_policy_catalogue extends Migration {
  override name = 'Migration20261210000000_policy_catalogue';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "policy" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "number" varchar(20) not null, "title" varchar(200) not null, "level" text not null, "domain" text not null, "document_number" varchar(60) null, "lead_department_id" int not null, "liaisons" jsonb not null, "chief_representative_id" int null, "without_application" boolean not null default false, "eligibility" text not null, "rule" jsonb null, "benefit" text not null, "valid_from" date null, "valid_to" date null, "keywords" text[] not null default '{}', "phase" varchar(40) not null, "tags" text[] not null default '{}', "machine_version" int not null, "snapshot" jsonb not null, "published_version" int not null default 0, "version" int not null default 1, "audit_seq" int not null default 0, "audit_head" varchar(64) not null default '');`,
    );
    this.addSql(`alter table "policy" add constraint "policy_number_unique" unique ("number");`);
    this.addSql(`create index "policy_lead_department_id_index" on "policy" ("lead_department_id");`);

    this.addSql(
      `create table "policy_version" ("id" serial primary key, "policy_id" int not null, "version_no" int not null, "content" jsonb not null, "published_at" timestamptz not null, "published_by_id" int null, "current" boolean not null default false, "search_text" text not null, "search_tokens" text[] not null default '{}');`,
    );
    this.addSql(
      `create index "policy_version_search_index" on "policy_version" using gin ("search_tokens") where "current";`,
    );
    this.addSql(
      `create unique index "policy_version_current_unique" on "policy_version" ("policy_id") where "current";`,
    );
    this.addSql(
      `alter table "policy_version" add constraint "policy_version_policy_id_version_no_unique" unique ("policy_id", "version_no");`,
    );

    this.addSql(
      `create table "policy_item" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "policy_id" int not null, "no" int not null, "text" text not null);`,
    );
    this.addSql(
      `alter table "policy_item" add constraint "policy_item_policy_id_no_unique" unique ("policy_id", "no");`,
    );

    this.addSql(
      `create table "policy_event" ("id" bigserial primary key, "seq" int not null, "type" varchar(32) not null, "actor_id" int null, "actor_role" varchar(16) not null, "at" timestamptz not null, "from_phase" varchar(40) null, "to_phase" varchar(40) not null, "payload" jsonb not null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null, "policy_id" int not null);`,
    );
    this.addSql(
      `alter table "policy_event" add constraint "policy_event_policy_id_seq_unique" unique ("policy_id", "seq");`,
    );

    this.addSql(
      `create table "policy_cooperating" ("policy_id" int not null, "department_id" int not null, primary key ("policy_id", "department_id"));`,
    );

    this.addSql(
      `alter table "policy" add constraint "policy_lead_department_id_foreign" foreign key ("lead_department_id") references "department" ("id");`,
    );
    this.addSql(
      `alter table "policy" add constraint "policy_chief_representative_id_foreign" foreign key ("chief_representative_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "policy" add constraint "policy_level_check" check ("level" in ('national', 'provincial', 'city', 'district'));`,
    );
    this.addSql(
      `alter table "policy" add constraint "policy_domain_check" check ("domain" in ('people', 'enterprise', 'talent', 'investment', 'finance'));`,
    );

    this.addSql(
      `alter table "policy_version" add constraint "policy_version_policy_id_foreign" foreign key ("policy_id") references "policy" ("id");`,
    );
    this.addSql(
      `alter table "policy_version" add constraint "policy_version_published_by_id_foreign" foreign key ("published_by_id") references "app_user" ("id") on delete set null;`,
    );

    this.addSql(
      `alter table "policy_item" add constraint "policy_item_policy_id_foreign" foreign key ("policy_id") references "policy" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "policy_event" add constraint "policy_event_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "policy_event" add constraint "policy_event_policy_id_foreign" foreign key ("policy_id") references "policy" ("id");`,
    );
    this.addSql(
      `create or replace function "policy_event_policy_event_no_update_fn"() returns trigger as \$\$ begin raise exception 'policy_event is append-only (% refused)', tg_op; end; \$\$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "policy_event_no_update" BEFORE UPDATE OR DELETE on "policy_event" for each ROW execute function "policy_event_policy_event_no_update_fn"();`,
    );

    this.addSql(
      `alter table "policy_cooperating" add constraint "policy_cooperating_policy_id_foreign" foreign key ("policy_id") references "policy" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "policy_cooperating" add constraint "policy_cooperating_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "policy_version" drop constraint "policy_version_policy_id_foreign";`);
    this.addSql(`alter table "policy_item" drop constraint "policy_item_policy_id_foreign";`);
    this.addSql(`alter table "policy_event" drop constraint "policy_event_policy_id_foreign";`);
    this.addSql(`alter table "policy_cooperating" drop constraint "policy_cooperating_policy_id_foreign";`);

    this.addSql(`drop table if exists "policy" cascade;`);
    this.addSql(`drop table if exists "policy_version" cascade;`);
    this.addSql(`drop table if exists "policy_item" cascade;`);
    this.addSql(`drop trigger if exists "policy_event_no_update" on "policy_event";`);
    this.addSql(`drop function if exists "policy_event_policy_event_no_update_fn"();`);
    this.addSql(`drop table if exists "policy_event" cascade;`);
    this.addSql(`drop table if exists "policy_cooperating" cascade;`);
  }
}
