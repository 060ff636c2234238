import { Migration } from '@mikro-orm/migrations';

// Firms (企业) by unified social credit code, with the facts eligibility rules ask about (industry, size, founding
// day, district, credit rating, blacklist), and the phones that reach them so a caller finds the firm.
export class Migration20261215000000_firms extends Migration {
  override name = 'Migration20261215000000_firms';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "firm" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "credit_code" varchar(18) not null, "name" varchar(200) not null, "industry" varchar(5) not null, "size" text not null, "founded_on" date not null, "district_id" int not null, "credit_rating" text not null, "blacklisted" boolean not null default false, "blacklist_reason" varchar(200) null, "blacklisted_since" date null, "version" int not null default 1);`,
    );
    this.addSql(`alter table "firm" add constraint "firm_credit_code_unique" unique ("credit_code");`);
    this.addSql(`create index "firm_district_id_index" on "firm" ("district_id");`);

    this.addSql(
      `create table "firm_contact" ("id" serial primary key, "firm_id" int not null, "phone" varchar(32) not null, "name" varchar(100) null, "role" varchar(50) null);`,
    );
    this.addSql(`create index "firm_contact_phone_index" on "firm_contact" ("phone");`);
    this.addSql(
      `alter table "firm_contact" add constraint "firm_contact_firm_phone_unique" unique ("firm_id", "phone");`,
    );

    this.addSql(
      `alter table "firm" add constraint "firm_district_id_foreign" foreign key ("district_id") references "department" ("id");`,
    );
    this.addSql(
      `alter table "firm" add constraint "firm_size_check" check ("size" in ('micro', 'small', 'medium', 'large'));`,
    );
    this.addSql(
      `alter table "firm" add constraint "firm_credit_rating_check" check ("credit_rating" in ('A', 'B', 'C', 'D'));`,
    );

    this.addSql(
      `alter table "firm_contact" add constraint "firm_contact_firm_id_foreign" foreign key ("firm_id") references "firm" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "firm_contact" drop constraint "firm_contact_firm_id_foreign";`);

    this.addSql(`drop table if exists "firm" cascade;`);
    this.addSql(`drop table if exists "firm_contact" cascade;`);
  }
}
