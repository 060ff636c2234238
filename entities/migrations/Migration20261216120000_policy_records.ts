import { Migration } from '@mikro-orm/migrations';

// Implementation records (政策落实记录): reporting periods with their due dates, every accepted records file, and
// the records themselves, one beneficiary per policy and period, ID numbers sealed with their blind index.
export class Migration20261216120000_policy_records extends Migration {
  override name = 'Migration20261216120000_policy_records';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "policy_period" ("id" serial primary key, "label" varchar(7) not null, "kind" text not null, "starts_on" date not null, "ends_on" date not null, "due_on" date not null, "created_at" timestamptz not null, "created_by_id" int not null);`,
    );
    this.addSql(`alter table "policy_period" add constraint "policy_period_label_unique" unique ("label");`);
    this.addSql(
      `alter table "policy_period" add constraint "policy_period_kind_check" check ("kind" in ('month', 'quarter'));`,
    );
    this.addSql(
      `alter table "policy_period" add constraint "policy_period_days_check" check ("starts_on" <= "ends_on" and "ends_on" <= "due_on");`,
    );
    this.addSql(
      `alter table "policy_period" add constraint "policy_period_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id");`,
    );

    this.addSql(
      `create table "record_upload" ("id" serial primary key, "period_id" int not null, "department_id" int not null, "uploaded_by_id" int not null, "uploaded_at" timestamptz not null, "file_name" varchar(255) not null, "sha256" varchar(64) not null, "row_count" int not null, "total_amount" numeric(14,2) not null, "policy_ids" jsonb not null);`,
    );
    this.addSql(
      `create index "record_upload_period_id_department_id_index" on "record_upload" ("period_id", "department_id");`,
    );
    this.addSql(
      `alter table "record_upload" add constraint "record_upload_period_id_foreign" foreign key ("period_id") references "policy_period" ("id");`,
    );
    this.addSql(
      `alter table "record_upload" add constraint "record_upload_department_id_foreign" foreign key ("department_id") references "department" ("id");`,
    );
    this.addSql(
      `alter table "record_upload" add constraint "record_upload_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "app_user" ("id");`,
    );

    this.addSql(
      `create table "policy_record" ("id" serial primary key, "period_id" int not null, "policy_id" int not null, "policy_version" int not null, "upload_id" int not null, "source_row" int not null, "beneficiary_kind" text not null, "name" varchar(100) not null, "id_number_sealed" text null, "credit_code" varchar(18) null, "beneficiary_key" varchar(64) not null, "phone" varchar(32) not null, "amount" numeric(12,2) not null, "paid_on" date not null, "way" text not null);`,
    );
    this.addSql(
      `alter table "policy_record" add constraint "policy_record_beneficiary_unique" unique ("period_id", "policy_id", "beneficiary_key");`,
    );
    this.addSql(
      `create index "policy_record_policy_id_period_id_index" on "policy_record" ("policy_id", "period_id");`,
    );
    this.addSql(`create index "policy_record_upload_id_index" on "policy_record" ("upload_id");`);
    this.addSql(`create index "policy_record_credit_code_index" on "policy_record" ("credit_code");`);
    this.addSql(`create index "policy_record_phone_index" on "policy_record" ("phone");`);
    this.addSql(
      `alter table "policy_record" add constraint "policy_record_beneficiary_kind_check" check ("beneficiary_kind" in ('person', 'firm'));`,
    );
    this.addSql(
      `alter table "policy_record" add constraint "policy_record_way_check" check ("way" in ('withoutApplication', 'onApplication'));`,
    );
    this.addSql(
      `alter table "policy_record" add constraint "policy_record_identity_check" check (("beneficiary_kind" = 'person' and "id_number_sealed" is not null and "credit_code" is null) or ("beneficiary_kind" = 'firm' and "credit_code" is not null and "id_number_sealed" is null));`,
    );
    this.addSql(`alter table "policy_record" add constraint "policy_record_amount_check" check ("amount" > 0);`);
    this.addSql(
      `alter table "policy_record" add constraint "policy_record_period_id_foreign" foreign key ("period_id") references "policy_period" ("id");`,
    );
    this.addSql(
      `alter table "policy_record" add constraint "policy_record_policy_id_foreign" foreign key ("policy_id") references "policy" ("id");`,
    );
    this.addSql(
      `alter table "policy_record" add constraint "policy_record_upload_id_foreign" foreign key ("upload_id") references "record_upload" ("id");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "policy_record" cascade;`);
    this.addSql(`drop table if exists "record_upload" cascade;`);
    this.addSql(`drop table if exists "policy_period" cascade;`);
  }
}
