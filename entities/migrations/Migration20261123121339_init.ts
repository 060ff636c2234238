import { Migration } from '@mikro-orm/migrations';

export class Migration20261123121339_init extends Migration {
  override name = 'Migration20261123121339_init';

  override up(): void | Promise<void> {
    this.addSql(`create table "appeal_counter" ("day" varchar(8) not null, "last" int not null, primary key ("day"));`);

    this.addSql(
      `create table "calendar_day" ("date" varchar(10) not null, "kind" text not null, "name" varchar(50) not null, primary key ("date"));`,
    );

    this.addSql(
      `create table "citizen" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "phone" varchar(32) not null, "name" varchar(100) null, "id_number" varchar(32) null, "address" varchar(255) null);`,
    );
    this.addSql(`alter table "citizen" add constraint "citizen_phone_unique" unique ("phone");`);

    this.addSql(
      `create table "department" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "code" varchar(32) not null, "name" varchar(100) not null, "kind" text not null, "parent_id" int null, "path" varchar(255) not null, "hotline" varchar(32) not null, "active" boolean not null default true);`,
    );
    this.addSql(`alter table "department" add constraint "department_code_unique" unique ("code");`);
    this.addSql(`create index "department_path_index" on "department" ("path");`);

    this.addSql(
      `create table "category" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "code" varchar(32) not null, "name" varchar(100) not null, "parent_id" int null, "default_department_id" int null, "limits" jsonb not null, "active" boolean not null default true);`,
    );
    this.addSql(`alter table "category" add constraint "category_code_unique" unique ("code");`);

    this.addSql(
      `create table "grid" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "code" varchar(32) not null, "name" varchar(100) not null, "community_id" int not null, "polygon" jsonb not null);`,
    );
    this.addSql(`alter table "grid" add constraint "grid_code_unique" unique ("code");`);

    this.addSql(
      `create table "app_user" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "username" varchar(64) not null, "password_hash" varchar(255) not null, "display_name" varchar(100) not null, "role" text not null, "department_id" int null, "phone" varchar(32) null, "active" boolean not null default true);`,
    );
    this.addSql(`alter table "app_user" add constraint "app_user_username_unique" unique ("username");`);

    this.addSql(
      `create table "user_session" ("id" varchar(64) not null, "user_id" int not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "user_session_expires_at_index" on "user_session" ("expires_at");`);

    this.addSql(
      `create table "grid_worker" ("user_id" int not null, "grid_id" int not null, primary key ("user_id", "grid_id"));`,
    );

    this.addSql(
      `create table "call" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "call_id" varchar(255) not null, "direction" text not null, "from_number" varchar(64) not null, "to_number" varchar(64) not null, "agent_id" int null, "citizen_id" int null, "ring_at" timestamptz null, "answer_at" timestamptz null, "end_at" timestamptz null, "disposition" text null, "needs_callback" boolean not null default false, "recording_ref" varchar(500) null, "recording_sha256" varchar(64) null);`,
    );
    this.addSql(`alter table "call" add constraint "call_call_id_unique" unique ("call_id");`);

    this.addSql(
      `create table "appeal" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "number" varchar(20) not null, "source" text not null, "type" text not null, "urgency" text not null, "category_id" int not null, "citizen_id" int null, "caller_phone" varchar(32) null, "title" varchar(200) not null, "content" text not null, "address" varchar(255) null, "grid_id" int null, "lat" double precision null, "lng" double precision null, "confidential" boolean not null default false, "anonymous" boolean not null default false, "created_by_id" int not null, "phase" varchar(40) not null, "sla" varchar(16) not null, "lead_department_id" int null, "assigned_grid_id" int null, "submitted_at" timestamptz null, "accept_due_at" timestamptz null, "due_at" timestamptz null, "callback_due_at" timestamptz null, "closed_at" timestamptz null, "machine_version" int not null, "snapshot" jsonb not null, "audit_seq" int not null default 0, "audit_head" varchar(64) not null default '', "version" int not null default 1);`,
    );
    this.addSql(`alter table "appeal" add constraint "appeal_number_unique" unique ("number");`);
    this.addSql(`create index "appeal_phase_index" on "appeal" ("phase");`);
    this.addSql(`create index "appeal_sla_index" on "appeal" ("sla");`);
    this.addSql(`create index "appeal_lead_department_id_index" on "appeal" ("lead_department_id");`);
    this.addSql(`create index "appeal_assigned_grid_id_index" on "appeal" ("assigned_grid_id");`);
    this.addSql(`create index "appeal_due_at_index" on "appeal" ("due_at");`);

    this.addSql(
      `create table "sms_outbox" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "appeal_id" int null, "phone" varchar(32) not null, "template" varchar(50) not null, "body" text not null, "status" text not null default 'pending', "sent_at" timestamptz null);`,
    );
    this.addSql(`create index "sms_outbox_status_index" on "sms_outbox" ("status");`);

    this.addSql(
      `create table "call_appeal" ("call_id" int not null, "appeal_id" int not null, primary key ("call_id", "appeal_id"));`,
    );

    this.addSql(
      `create table "attachment" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "appeal_id" int not null, "file_name" varchar(255) not null, "content_type" varchar(100) not null, "size" int not null, "sha256" varchar(64) not null, "storage_path" varchar(500) not null, "uploaded_by_id" int not null);`,
    );

    this.addSql(
      `create table "assignment" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "appeal_id" int not null, "department_id" int null, "grid_id" int null, "role" text not null, "level" int not null, "accept_due_at" timestamptz null, "accepted_at" timestamptz null, "status" text not null default 'active');`,
    );
    this.addSql(`create index "assignment_department_id_index" on "assignment" ("department_id");`);

    this.addSql(
      `create table "appeal_event" ("id" bigserial primary key, "appeal_id" int not null, "seq" int not null, "type" varchar(32) not null, "actor_id" int null, "actor_role" varchar(16) not null, "at" timestamptz not null, "from_phase" varchar(40) null, "to_phase" varchar(40) not null, "from_sla" varchar(16) null, "to_sla" varchar(16) not null, "payload" jsonb not null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null);`,
    );
    this.addSql(
      `alter table "appeal_event" add constraint "appeal_event_appeal_id_seq_unique" unique ("appeal_id", "seq");`,
    );

    this.addSql(
      `alter table "calendar_day" add constraint "calendar_day_kind_check" check ("kind" in ('holiday', 'workday'));`,
    );

    this.addSql(
      `alter table "department" add constraint "department_parent_id_foreign" foreign key ("parent_id") references "department" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "department" add constraint "department_kind_check" check ("kind" in ('city', 'district', 'street', 'community', 'functional'));`,
    );

    this.addSql(
      `alter table "category" add constraint "category_parent_id_foreign" foreign key ("parent_id") references "category" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "category" add constraint "category_default_department_id_foreign" foreign key ("default_department_id") references "department" ("id") on delete set null;`,
    );

    this.addSql(
      `alter table "grid" add constraint "grid_community_id_foreign" foreign key ("community_id") references "department" ("id");`,
    );

    this.addSql(
      `alter table "app_user" add constraint "app_user_department_id_foreign" foreign key ("department_id") references "department" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "app_user" add constraint "app_user_role_check" check ("role" in ('operator', 'dispatcher', 'handler', 'gridWorker', 'mediator', 'reviewer', 'supervisor', 'admin'));`,
    );

    this.addSql(
      `alter table "user_session" add constraint "user_session_user_id_foreign" foreign key ("user_id") references "app_user" ("id");`,
    );

    this.addSql(
      `alter table "grid_worker" add constraint "grid_worker_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "grid_worker" add constraint "grid_worker_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "call" add constraint "call_agent_id_foreign" foreign key ("agent_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "call" add constraint "call_citizen_id_foreign" foreign key ("citizen_id") references "citizen" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "call" add constraint "call_direction_check" check ("direction" in ('inbound', 'outbound'));`,
    );
    this.addSql(
      `alter table "call" add constraint "call_disposition_check" check ("disposition" in ('answered', 'missed', 'abandoned', 'rejected', 'failed', 'transferred'));`,
    );

    this.addSql(
      `alter table "appeal" add constraint "appeal_category_id_foreign" foreign key ("category_id") references "category" ("id");`,
    );
    this.addSql(
      `alter table "appeal" add constraint "appeal_citizen_id_foreign" foreign key ("citizen_id") references "citizen" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "appeal" add constraint "appeal_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "appeal" add constraint "appeal_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id");`,
    );
    this.addSql(
      `alter table "appeal" add constraint "appeal_lead_department_id_foreign" foreign key ("lead_department_id") references "department" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "appeal" add constraint "appeal_assigned_grid_id_foreign" foreign key ("assigned_grid_id") references "grid" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "appeal" add constraint "appeal_source_check" check ("source" in ('hotline', 'web', 'patrol', 'wechat'));`,
    );
    this.addSql(
      `alter table "appeal" add constraint "appeal_type_check" check ("type" in ('consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'));`,
    );
    this.addSql(
      `alter table "appeal" add constraint "appeal_urgency_check" check ("urgency" in ('emergency', 'urgent', 'normal'));`,
    );

    this.addSql(
      `alter table "sms_outbox" add constraint "sms_outbox_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "sms_outbox" add constraint "sms_outbox_status_check" check ("status" in ('pending', 'sent', 'failed'));`,
    );

    this.addSql(
      `alter table "call_appeal" add constraint "call_appeal_call_id_foreign" foreign key ("call_id") references "call" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "call_appeal" add constraint "call_appeal_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "attachment" add constraint "attachment_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id");`,
    );
    this.addSql(
      `alter table "attachment" add constraint "attachment_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "app_user" ("id");`,
    );

    this.addSql(
      `alter table "assignment" add constraint "assignment_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id");`,
    );
    this.addSql(
      `alter table "assignment" add constraint "assignment_department_id_foreign" foreign key ("department_id") references "department" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "assignment" add constraint "assignment_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "assignment" add constraint "assignment_role_check" check ("role" in ('lead', 'assisting'));`,
    );
    this.addSql(
      `alter table "assignment" add constraint "assignment_status_check" check ("status" in ('active', 'returned', 'superseded', 'done'));`,
    );

    this.addSql(
      `alter table "appeal_event" add constraint "appeal_event_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id");`,
    );
    this.addSql(
      `alter table "appeal_event" add constraint "appeal_event_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on delete set null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "call" drop constraint "call_citizen_id_foreign";`);
    this.addSql(`alter table "appeal" drop constraint "appeal_citizen_id_foreign";`);
    this.addSql(`alter table "department" drop constraint "department_parent_id_foreign";`);
    this.addSql(`alter table "category" drop constraint "category_default_department_id_foreign";`);
    this.addSql(`alter table "grid" drop constraint "grid_community_id_foreign";`);
    this.addSql(`alter table "app_user" drop constraint "app_user_department_id_foreign";`);
    this.addSql(`alter table "appeal" drop constraint "appeal_lead_department_id_foreign";`);
    this.addSql(`alter table "assignment" drop constraint "assignment_department_id_foreign";`);
    this.addSql(`alter table "category" drop constraint "category_parent_id_foreign";`);
    this.addSql(`alter table "appeal" drop constraint "appeal_category_id_foreign";`);
    this.addSql(`alter table "grid_worker" drop constraint "grid_worker_grid_id_foreign";`);
    this.addSql(`alter table "appeal" drop constraint "appeal_grid_id_foreign";`);
    this.addSql(`alter table "appeal" drop constraint "appeal_assigned_grid_id_foreign";`);
    this.addSql(`alter table "assignment" drop constraint "assignment_grid_id_foreign";`);
    this.addSql(`alter table "user_session" drop constraint "user_session_user_id_foreign";`);
    this.addSql(`alter table "grid_worker" drop constraint "grid_worker_user_id_foreign";`);
    this.addSql(`alter table "call" drop constraint "call_agent_id_foreign";`);
    this.addSql(`alter table "appeal" drop constraint "appeal_created_by_id_foreign";`);
    this.addSql(`alter table "attachment" drop constraint "attachment_uploaded_by_id_foreign";`);
    this.addSql(`alter table "appeal_event" drop constraint "appeal_event_actor_id_foreign";`);
    this.addSql(`alter table "call_appeal" drop constraint "call_appeal_call_id_foreign";`);
    this.addSql(`alter table "sms_outbox" drop constraint "sms_outbox_appeal_id_foreign";`);
    this.addSql(`alter table "call_appeal" drop constraint "call_appeal_appeal_id_foreign";`);
    this.addSql(`alter table "attachment" drop constraint "attachment_appeal_id_foreign";`);
    this.addSql(`alter table "assignment" drop constraint "assignment_appeal_id_foreign";`);
    this.addSql(`alter table "appeal_event" drop constraint "appeal_event_appeal_id_foreign";`);

    this.addSql(`drop table if exists "appeal_counter" cascade;`);
    this.addSql(`drop table if exists "calendar_day" cascade;`);
    this.addSql(`drop table if exists "citizen" cascade;`);
    this.addSql(`drop table if exists "department" cascade;`);
    this.addSql(`drop table if exists "category" cascade;`);
    this.addSql(`drop table if exists "grid" cascade;`);
    this.addSql(`drop table if exists "app_user" cascade;`);
    this.addSql(`drop table if exists "user_session" cascade;`);
    this.addSql(`drop table if exists "grid_worker" cascade;`);
    this.addSql(`drop table if exists "call" cascade;`);
    this.addSql(`drop table if exists "appeal" cascade;`);
    this.addSql(`drop table if exists "sms_outbox" cascade;`);
    this.addSql(`drop table if exists "call_appeal" cascade;`);
    this.addSql(`drop table if exists "attachment" cascade;`);
    this.addSql(`drop table if exists "assignment" cascade;`);
    this.addSql(`drop table if exists "appeal_event" cascade;`);
  }
}
