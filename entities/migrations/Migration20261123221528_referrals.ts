import { Migration } from '@mikro-orm/migrations';

export class Migration20261123221528_referrals extends Migration {
  override name = 'Migration20261123221528_referrals';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "referral" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "number" varchar(20) not null, "appeal_id" int not null, "kind" text not null, "agency_id" int not null, "parent_id" int null, "phase" varchar(40) not null, "machine_version" int not null, "snapshot" jsonb not null, "handler_id" int null, "next_due_at" timestamptz null, "clock_state" varchar(16) not null, "outcome" varchar(16) null, "closed_at" timestamptz null, "referred_by_id" int not null, "note" text null, "version" int not null default 1, "audit_seq" int not null default 0, "audit_head" varchar(64) not null default '');`,
    );
    this.addSql(`alter table "referral" add constraint "referral_number_unique" unique ("number");`);
    this.addSql(`create index "referral_appeal_id_index" on "referral" ("appeal_id");`);
    this.addSql(`create index "referral_phase_index" on "referral" ("phase");`);
    this.addSql(
      `create index "referral_agency_queue_index" on "referral" ("agency_id", "next_due_at", "id") where "closed_at" is null;`,
    );

    this.addSql(
      `create table "referral_event" ("id" bigserial primary key, "referral_id" int not null, "seq" int not null, "type" varchar(32) not null, "actor_id" int null, "actor_role" varchar(16) not null, "at" timestamptz not null, "from_phase" varchar(40) null, "to_phase" varchar(40) not null, "payload" jsonb not null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null);`,
    );
    this.addSql(
      `alter table "referral_event" add constraint "referral_event_referral_id_seq_unique" unique ("referral_id", "seq");`,
    );

    this.addSql(
      `create table "referral_document" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "referral_id" int not null, "kind" text not null, "file_name" varchar(255) not null, "content_type" varchar(100) not null, "size" int not null, "sha256" varchar(64) not null, "storage_path" varchar(500) not null, "uploaded_by_id" int not null);`,
    );
    this.addSql(`create index "referral_document_referral_id_index" on "referral_document" ("referral_id");`);

    this.addSql(`alter table "department" add "referral_kind" text null;`);
    this.addSql(
      `alter table "department" add constraint "department_referral_kind_check" check ("referral_kind" in ('mediation', 'legalAid', 'arbitration', 'counselling'));`,
    );

    this.addSql(
      `alter table "referral" add constraint "referral_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id");`,
    );
    this.addSql(
      `alter table "referral" add constraint "referral_agency_id_foreign" foreign key ("agency_id") references "department" ("id");`,
    );
    this.addSql(
      `alter table "referral" add constraint "referral_parent_id_foreign" foreign key ("parent_id") references "referral" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "referral" add constraint "referral_handler_id_foreign" foreign key ("handler_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "referral" add constraint "referral_referred_by_id_foreign" foreign key ("referred_by_id") references "app_user" ("id");`,
    );
    this.addSql(
      `alter table "referral" add constraint "referral_kind_check" check ("kind" in ('mediation', 'legalAid', 'arbitration', 'counselling'));`,
    );

    this.addSql(
      `alter table "referral_event" add constraint "referral_event_referral_id_foreign" foreign key ("referral_id") references "referral" ("id");`,
    );
    this.addSql(
      `alter table "referral_event" add constraint "referral_event_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(
      `create or replace function "referral_event_referral_event_no_update_fn"() returns trigger as \$\$ begin raise exception 'referral_event is append-only (% refused)', tg_op; end; \$\$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "referral_event_no_update" BEFORE UPDATE OR DELETE on "referral_event" for each ROW execute function "referral_event_referral_event_no_update_fn"();`,
    );

    this.addSql(
      `alter table "referral_document" add constraint "referral_document_referral_id_foreign" foreign key ("referral_id") references "referral" ("id");`,
    );
    this.addSql(
      `alter table "referral_document" add constraint "referral_document_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "app_user" ("id");`,
    );
    this.addSql(
      `alter table "referral_document" add constraint "referral_document_kind_check" check ("kind" in ('evidence', 'identity', 'agreement', 'ruling', 'other'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "referral" drop constraint "referral_parent_id_foreign";`);
    this.addSql(`alter table "referral_event" drop constraint "referral_event_referral_id_foreign";`);
    this.addSql(`alter table "referral_document" drop constraint "referral_document_referral_id_foreign";`);

    this.addSql(`drop table if exists "referral" cascade;`);
    this.addSql(`drop trigger if exists "referral_event_no_update" on "referral_event";`);
    this.addSql(`drop function if exists "referral_event_referral_event_no_update_fn"();`);
    this.addSql(`drop table if exists "referral_event" cascade;`);
    this.addSql(`drop table if exists "referral_document" cascade;`);

    this.addSql(`alter table "department" drop constraint "department_referral_kind_check";`);
    this.addSql(`alter table "department" drop column "referral_kind";`);
  }
}
