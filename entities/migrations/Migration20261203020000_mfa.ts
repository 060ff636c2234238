import { Migration } from '@mikro-orm/migrations';

// Two-factor sign-in: a TOTP enrolment per user, its recovery codes, the pending sign-in between password and
// code, the app's settings (who must use two factors), and the flag on a session that may only enrol.
export class Migration20261203020000_mfa extends Migration {
  override name = 'Migration20261203020000_mfa';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "user_totp" ("user_id" int not null primary key, "secret" text null, "demo" boolean not null default false, "confirmed_at" timestamptz null, "last_step" bigint null, "created_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "user_totp" add constraint "user_totp_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `create table "mfa_recovery_code" ("id" serial primary key, "user_id" int not null, "code_hash" varchar(64) not null, "used_at" timestamptz null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "mfa_recovery_code_user_id_index" on "mfa_recovery_code" ("user_id");`);
    this.addSql(
      `alter table "mfa_recovery_code" add constraint "mfa_recovery_code_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`,
    );
    this.addSql(
      `create table "mfa_challenge" ("id" varchar(64) not null primary key, "user_id" int not null, "redirect_to" varchar(2000) not null, "attempts" int not null default 0, "created_at" timestamptz not null, "expires_at" timestamptz not null);`,
    );
    this.addSql(`create index "mfa_challenge_user_id_index" on "mfa_challenge" ("user_id");`);
    this.addSql(`create index "mfa_challenge_expires_at_index" on "mfa_challenge" ("expires_at");`);
    this.addSql(
      `alter table "mfa_challenge" add constraint "mfa_challenge_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`,
    );
    this.addSql(
      `create table "app_setting" ("key" varchar(64) not null primary key, "value" jsonb not null, "updated_at" timestamptz not null, "updated_by_id" int null);`,
    );
    this.addSql(
      `alter table "app_setting" add constraint "app_setting_updated_by_id_foreign" foreign key ("updated_by_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(`alter table "user_session" add column "mfa_pending_enrolment" boolean not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "user_session" drop column "mfa_pending_enrolment";`);
    this.addSql(`drop table if exists "app_setting" cascade;`);
    this.addSql(`drop table if exists "mfa_challenge" cascade;`);
    this.addSql(`drop table if exists "mfa_recovery_code" cascade;`);
    this.addSql(`drop table if exists "user_totp" cascade;`);
  }
}
