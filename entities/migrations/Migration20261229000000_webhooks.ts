import { Migration } from '@mikro-orm/migrations';

// Status webhooks: a client's subscriptions and the outbox of changes pushed to them, written with each step of an
// appeal and sent by the job queue in order per appeal, with retries.
export class Migration20261229000000_webhooks extends Migration {
  override name = 'Migration20261229000000_webhooks';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "webhook_subscription" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "client_id" int not null, "url" varchar(2000) not null, "scope" text not null, "deleted_at" timestamptz null);`,
    );
    this.addSql(`create index "webhook_subscription_client_id_index" on "webhook_subscription" ("client_id");`);

    this.addSql(
      `create table "webhook_delivery" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "subscription_id" int not null, "appeal_id" int not null, "event_id" uuid not null, "sequence" int not null, "payload" jsonb not null, "status" text not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz null, "last_error" text null, "last_status" smallint null, "delivered_at" timestamptz null);`,
    );
    this.addSql(
      `create index "webhook_delivery_subscription_id_appeal_id_sequence_index" on "webhook_delivery" ("subscription_id", "appeal_id", "sequence");`,
    );
    this.addSql(
      `create index "webhook_delivery_status_next_attempt_at_index" on "webhook_delivery" ("status", "next_attempt_at");`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_subscription_id_event_id_unique" unique ("subscription_id", "event_id");`,
    );

    this.addSql(
      `alter table "webhook_subscription" add constraint "webhook_subscription_client_id_foreign" foreign key ("client_id") references "api_client" ("id");`,
    );
    this.addSql(
      `alter table "webhook_subscription" add constraint "webhook_subscription_scope_check" check ("scope" in ('own', 'all'));`,
    );

    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_subscription_id_foreign" foreign key ("subscription_id") references "webhook_subscription" ("id");`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id");`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_status_check" check ("status" in ('pending', 'delivered', 'failed'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_subscription_id_foreign";`);

    this.addSql(`drop table if exists "webhook_subscription" cascade;`);
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
  }
}
