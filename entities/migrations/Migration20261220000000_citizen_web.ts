import { Migration } from '@mikro-orm/migrations';

// The citizen's own channel: SMS codes and tracking links; an appeal a citizen filed has no staff creator.

export class Migration20261220000000_citizen_web extends Migration {
  override name = 'Migration20261220000000_citizen_web';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "citizen_code" ("id" serial primary key, "phone" varchar(32) not null, "purpose" text not null, "code_hash" varchar(64) not null, "expires_at" timestamptz not null, "tries" int not null default 0, "used_at" timestamptz null, "client_address" varchar(64) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "citizen_code_phone_created_at_index" on "citizen_code" ("phone", "created_at");`);
    this.addSql(
      `create index "citizen_code_client_address_created_at_index" on "citizen_code" ("client_address", "created_at");`,
    );

    this.addSql(
      `create table "appeal_tracking" ("appeal_id" int not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, primary key ("appeal_id"));`,
    );
    this.addSql(
      `alter table "appeal_tracking" add constraint "appeal_tracking_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(`alter table "appeal" drop constraint "appeal_created_by_id_foreign";`);

    this.addSql(`alter table "appeal" alter column "created_by_id" drop not null;`);
    this.addSql(
      `alter table "appeal" add constraint "appeal_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on delete set null;`,
    );

    this.addSql(
      `alter table "citizen_code" add constraint "citizen_code_purpose_check" check ("purpose" in ('submit', 'track'));`,
    );

    this.addSql(
      `alter table "appeal_tracking" add constraint "appeal_tracking_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id") on update cascade on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "citizen_code" cascade;`);
    this.addSql(`drop table if exists "appeal_tracking" cascade;`);

    this.addSql(`alter table "appeal" drop constraint "appeal_created_by_id_foreign";`);

    this.addSql(`alter table "appeal" alter column "created_by_id" set not null;`);
    this.addSql(
      `alter table "appeal" add constraint "appeal_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id");`,
    );
  }
}
