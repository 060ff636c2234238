import { Migration } from '@mikro-orm/migrations';

// Beneficiary callbacks: a period's seeded sample of implementation records, each drawn record a case with its trail.
export class Migration20261218000000_beneficiary_callbacks extends Migration {
  override name = 'Migration20261218000000_beneficiary_callbacks';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "callback_sample" ("id" serial primary key, "period_id" int not null, "seed" varchar(64) not null, "share" numeric(5,4) not null, "minimum" int not null, "drawn_count" int not null, "drawn_by_id" int not null, "drawn_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "callback_sample" add constraint "callback_sample_period_id_unique" unique ("period_id");`,
    );

    this.addSql(
      `create table "beneficiary_callback" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "sample_id" int not null, "period_id" int not null, "policy_id" int not null, "department_id" int not null, "record_id" int not null, "phone" varchar(32) not null, "phase" varchar(40) not null, "tags" text[] not null default '{}', "outcome" text null, "received" boolean null, "amount_right" boolean null, "on_time" boolean null, "satisfaction" varchar(32) null, "attempts" int not null default 0, "appeal_id" int null, "due_at" timestamptz not null, "drawn_at" timestamptz not null, "closed_at" timestamptz null, "assigned_to_id" int null, "machine_version" int not null, "snapshot" jsonb not null, "version" int not null default 1, "audit_seq" int not null default 0, "audit_head" varchar(64) not null default '');`,
    );
    this.addSql(
      `alter table "beneficiary_callback" add constraint "beneficiary_callback_record_id_unique" unique ("record_id");`,
    );
    this.addSql(
      `create index "beneficiary_callback_open_index" on "beneficiary_callback" ("due_at", "id") where "tags" @> '{open}';`,
    );
    this.addSql(
      `create index "beneficiary_callback_period_id_policy_id_department_id_index" on "beneficiary_callback" ("period_id", "policy_id", "department_id");`,
    );

    this.addSql(
      `create table "beneficiary_callback_event" ("id" bigserial primary key, "seq" int not null, "type" varchar(32) not null, "actor_id" int null, "actor_role" varchar(16) not null, "at" timestamptz not null, "from_phase" varchar(40) null, "to_phase" varchar(40) not null, "payload" jsonb not null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null, "callback_id" int not null);`,
    );
    this.addSql(
      `alter table "beneficiary_callback_event" add constraint "beneficiary_callback_event_callback_id_seq_unique" unique ("callback_id", "seq");`,
    );

    this.addSql(
      `alter table "callback_sample" add constraint "callback_sample_period_id_foreign" foreign key ("period_id") references "policy_period" ("id");`,
    );
    this.addSql(
      `alter table "callback_sample" add constraint "callback_sample_drawn_by_id_foreign" foreign key ("drawn_by_id") references "app_user" ("id");`,
    );

    this.addSql(
      `alter table "beneficiary_callback" add constraint "beneficiary_callback_sample_id_foreign" foreign key ("sample_id") references "callback_sample" ("id");`,
    );
    this.addSql(
      `alter table "beneficiary_callback" add constraint "beneficiary_callback_period_id_foreign" foreign key ("period_id") references "policy_period" ("id");`,
    );
    this.addSql(
      `alter table "beneficiary_callback" add constraint "beneficiary_callback_policy_id_foreign" foreign key ("policy_id") references "policy" ("id");`,
    );
    this.addSql(
      `alter table "beneficiary_callback" add constraint "beneficiary_callback_department_id_foreign" foreign key ("department_id") references "department" ("id");`,
    );
    this.addSql(
      `alter table "beneficiary_callback" add constraint "beneficiary_callback_record_id_foreign" foreign key ("record_id") references "policy_record" ("id");`,
    );
    this.addSql(
      `alter table "beneficiary_callback" add constraint "beneficiary_callback_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "beneficiary_callback" add constraint "beneficiary_callback_assigned_to_id_foreign" foreign key ("assigned_to_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "beneficiary_callback" add constraint "beneficiary_callback_outcome_check" check ("outcome" in ('confirmed', 'problem', 'unreachable', 'cancelled'));`,
    );

    this.addSql(
      `alter table "beneficiary_callback_event" add constraint "beneficiary_callback_event_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "beneficiary_callback_event" add constraint "beneficiary_callback_event_callback_id_foreign" foreign key ("callback_id") references "beneficiary_callback" ("id");`,
    );
    this.addSql(
      `create or replace function "beneficiary_callback_event_beneficiary_callback_event_no_update_fn"() returns trigger as \$\$ begin raise exception 'beneficiary_callback_event is append-only (% refused)', tg_op; end; \$\$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "beneficiary_callback_event_no_update" BEFORE UPDATE OR DELETE on "beneficiary_callback_event" for each ROW execute function "beneficiary_callback_event_beneficiary_callback_event_no_update_fn"();`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "beneficiary_callback" drop constraint "beneficiary_callback_sample_id_foreign";`);
    this.addSql(
      `alter table "beneficiary_callback_event" drop constraint "beneficiary_callback_event_callback_id_foreign";`,
    );

    this.addSql(`drop table if exists "callback_sample" cascade;`);
    this.addSql(`drop table if exists "beneficiary_callback" cascade;`);
    this.addSql(`drop trigger if exists "beneficiary_callback_event_no_update" on "beneficiary_callback_event";`);
    this.addSql(`drop function if exists "beneficiary_callback_event_beneficiary_callback_event_no_update_fn"();`);
    this.addSql(`drop table if exists "beneficiary_callback_event" cascade;`);
  }
}
