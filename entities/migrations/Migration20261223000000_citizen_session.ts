import { Migration } from '@mikro-orm/migrations';

// "My appeals" on the public site: the citizen's sessions, apart from the staff's.

export class Migration20261223000000_citizen_session extends Migration {
  override name = 'Migration20261223000000_citizen_session';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "citizen_session" ("id_hash" varchar(64) not null, "phone" varchar(32) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "last_seen_at" timestamptz not null, primary key ("id_hash"));`,
    );
    this.addSql(`create index "citizen_session_expires_at_index" on "citizen_session" ("expires_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "citizen_session" cascade;`);
  }
}
