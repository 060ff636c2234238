import { Migration } from '@mikro-orm/migrations';

// Admin-editable SMS templates, seeded with the texts the steps sent until now, and an index to list an
// appeal's messages on its page.
export class Migration20261204050000_sms_templates extends Migration {
  override name = 'Migration20261204050000_sms_templates';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "sms_template" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "code" varchar(50) not null, "name" varchar(100) not null, "body" text not null, "updated_by_id" int null);`,
    );
    this.addSql(`alter table "sms_template" add constraint "sms_template_code_unique" unique ("code");`);
    this.addSql(
      `alter table "sms_template" add constraint "sms_template_updated_by_id_foreign" foreign key ("updated_by_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(`create index "sms_outbox_appeal_id_index" on "sms_outbox" ("appeal_id");`);
    this.addSql(
      `insert into "sms_template" ("created_at", "updated_at", "code", "name", "body") values
        (now(), now(), 'received', '受理通知', '【12345】您的诉求已受理，编号 {appealNo}，办理时限 {dueAt}。'),
        (now(), now(), 'replied', '答复通知', '【12345】您的诉求 {appealNo} 已办理答复，稍后将回访，感谢您的监督。'),
        (now(), now(), 'reopened', '重新受理通知', '【12345】您的诉求 {appealNo} 已重新受理。');`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index if exists "sms_outbox_appeal_id_index";`);
    this.addSql(`drop table if exists "sms_template" cascade;`);
  }
}
