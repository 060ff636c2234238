import { Migration } from '@mikro-orm/migrations';

// Failed sign-ins counted per account name and per source address (lockout and throttling across instances), and
// the last time a session was used (the idle timeout).
export class Migration20261203010000_sign_in_guard extends Migration {
  override name = 'Migration20261203010000_sign_in_guard';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "sign_in_failure" ("scope" text check ("scope" in ('account', 'address')) not null, "key" varchar(100) not null, "failures" int not null, "window_start" timestamptz not null, "locked_at" timestamptz null, primary key ("scope", "key"));`,
    );
    this.addSql(`alter table "user_session" add column "last_seen_at" timestamptz null;`);
    this.addSql(`update "user_session" set "last_seen_at" = "created_at";`);
    this.addSql(`alter table "user_session" alter column "last_seen_at" set not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "sign_in_failure" cascade;`);
    this.addSql(`alter table "user_session" drop column "last_seen_at";`);
  }
}
