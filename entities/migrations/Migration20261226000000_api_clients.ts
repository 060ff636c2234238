import { Migration } from '@mikro-orm/migrations';

export class Migration20261226000000_api_clients extends Migration {
  override name = 'Migration20261226000000_api_clients';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "api_client" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" varchar(100) not null, "contact" varchar(200) not null, "operations" text[] not null, "key_prefix" varchar(16) not null, "key_hash" varchar(64) not null, "signing_secret_sealed" text not null, "rate_limit_per_minute" int not null default 600, "ip_allow_list" text[] not null default '{}', "key_rotated_at" timestamptz not null, "revoked_at" timestamptz null, "version" int not null default 1);`,
    );
    this.addSql(`alter table "api_client" add constraint "api_client_name_unique" unique ("name");`);
    this.addSql(`alter table "api_client" add constraint "api_client_key_prefix_unique" unique ("key_prefix");`);

    this.addSql(
      `create table "api_call" ("id" bigserial primary key, "client_id" int null, "operation" varchar(40) not null, "status" smallint not null, "outcome" varchar(40) not null, "ip" varchar(64) null, "duration_ms" int not null, "at" timestamptz not null);`,
    );
    this.addSql(`create index "api_call_client_id_at_index" on "api_call" ("client_id", "at");`);
    this.addSql(`create index "api_call_at_index" on "api_call" ("at");`);

    this.addSql(
      `create table "api_rate_window" ("client_id" int not null, "window_start" timestamptz not null, "calls" int not null, primary key ("client_id", "window_start"));`,
    );

    this.addSql(`alter table "appeal" drop constraint "appeal_source_check";`);
    this.addSql(`alter table "appeal" add "api_client_id" int null;`);
    this.addSql(
      `alter table "appeal" add constraint "appeal_api_client_id_foreign" foreign key ("api_client_id") references "api_client" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "appeal" add constraint "appeal_source_check" check ("source" in ('hotline', 'web', 'patrol', 'wechat', 'api'));`,
    );

    this.addSql(
      `alter table "api_call" add constraint "api_call_client_id_foreign" foreign key ("client_id") references "api_client" ("id") on delete set null;`,
    );

    this.addSql(
      `alter table "api_rate_window" add constraint "api_rate_window_client_id_foreign" foreign key ("client_id") references "api_client" ("id");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "api_call" drop constraint "api_call_client_id_foreign";`);
    this.addSql(`alter table "api_rate_window" drop constraint "api_rate_window_client_id_foreign";`);
    this.addSql(`alter table "appeal" drop constraint "appeal_api_client_id_foreign";`);

    this.addSql(`drop table if exists "api_client" cascade;`);
    this.addSql(`drop table if exists "api_call" cascade;`);
    this.addSql(`drop table if exists "api_rate_window" cascade;`);

    this.addSql(`alter table "appeal" drop constraint "appeal_source_check";`);
    this.addSql(`alter table "appeal" drop column "api_client_id";`);
    this.addSql(
      `alter table "appeal" add constraint "appeal_source_check" check ("source" in ('hotline', 'web', 'patrol', 'wechat'));`,
    );
  }
}
