import { Migration } from '@mikro-orm/migrations';

export class Migration20261123161923_telephony_calls extends Migration {
  override name = 'Migration20261123161923_telephony_calls';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "call_event" ("id" bigserial primary key, "call_id" int not null, "kind" text not null, "at" timestamptz not null, "source" text not null, "agent_id" int null, "reason" varchar(32) null, "payload" jsonb not null, "received_at" timestamptz not null);`,
    );
    this.addSql(
      `create unique index "call_event_dedup_unique" on "call_event" ("call_id", "kind", "source", "at", coalesce("agent_id", 0));`,
    );

    this.addSql(
      `alter table "call" add "wait_seconds" int null, add "talk_seconds" int null, add "transfer_target" varchar(255) null, add "callback_done_at" timestamptz null, add "callback_call_id" varchar(255) null;`,
    );
    this.addSql(`create index "call_ring_at_index" on "call" ("ring_at" DESC, "id" DESC);`);
    this.addSql(`create index "call_from_number_index" on "call" ("from_number");`);
    this.addSql(`create index "call_to_number_index" on "call" ("to_number");`);
    this.addSql(`create index "call_callback_queue_index" on "call" ("ring_at") where needs_callback;`);

    this.addSql(
      `alter table "call_event" add constraint "call_event_call_id_foreign" foreign key ("call_id") references "call" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "call_event" add constraint "call_event_agent_id_foreign" foreign key ("agent_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "call_event" add constraint "call_event_kind_check" check ("kind" in ('offered', 'unanswered', 'dialing', 'ringing', 'answered', 'ended', 'transferred', 'closed'));`,
    );
    this.addSql(
      `alter table "call_event" add constraint "call_event_source_check" check ("source" in ('agent', 'sip', 'system'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "call_event" cascade;`);

    this.addSql(`drop index "call_ring_at_index";`);
    this.addSql(`drop index "call_from_number_index";`);
    this.addSql(`drop index "call_to_number_index";`);
    this.addSql(`drop index "call_callback_queue_index";`);
    this.addSql(
      `alter table "call" drop column "wait_seconds", drop column "talk_seconds", drop column "transfer_target", drop column "callback_done_at", drop column "callback_call_id";`,
    );
  }
}
