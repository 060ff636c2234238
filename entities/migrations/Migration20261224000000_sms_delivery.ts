import { Migration } from '@mikro-orm/migrations';

// Messages sent by the job queue with retries and the carrier's delivery report: each row counts its attempts,
// waits until next_attempt_at after a failure, keeps the last error and the provider's message id, and may end
// 'delivered'. The texts the citizen site wrote itself (code, tracking link) become templates, with the rating
// request for web appeals.
export class Migration20261224000000_sms_delivery extends Migration {
  override name = 'Migration20261224000000_sms_delivery';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "sms_outbox" add column "attempts" int not null default 0, add column "next_attempt_at" timestamptz null, add column "last_error" text null, add column "provider_message_id" varchar(100) null, add column "delivered_at" timestamptz null;`,
    );
    this.addSql(`alter table "sms_outbox" drop constraint "sms_outbox_status_check";`);
    this.addSql(
      `alter table "sms_outbox" add constraint "sms_outbox_status_check" check ("status" in ('pending', 'sent', 'delivered', 'failed'));`,
    );
    this.addSql(
      `alter table "sms_outbox" add constraint "sms_outbox_provider_message_id_unique" unique ("provider_message_id");`,
    );
    this.addSql(
      `insert into "sms_template" ("created_at", "updated_at", "code", "name", "body") values
        (now(), now(), 'verification', '短信验证码', '【12345】您的验证码是 {code}，5 分钟内有效，仅用于{purpose}，请勿告诉他人。'),
        (now(), now(), 'tracking', '查询链接', '【12345】诉求 {appealNo} 的办理进度请查看 {link} ，链接仅限本人使用，请勿转发。'),
        (now(), now(), 'rate', '评价邀请', '【12345】您的诉求 {appealNo} 已办理答复，请打开此前短信中的查询链接，或在 {link} 用本机号码登录「我的诉求」查看答复并评价。')
       on conflict ("code") do nothing;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from "sms_template" where "code" in ('verification', 'tracking', 'rate');`);
    this.addSql(`alter table "sms_outbox" drop constraint if exists "sms_outbox_provider_message_id_unique";`);
    this.addSql(`update "sms_outbox" set "status" = 'sent' where "status" = 'delivered';`);
    this.addSql(`alter table "sms_outbox" drop constraint "sms_outbox_status_check";`);
    this.addSql(
      `alter table "sms_outbox" add constraint "sms_outbox_status_check" check ("status" in ('pending', 'sent', 'failed'));`,
    );
    this.addSql(
      `alter table "sms_outbox" drop column "attempts", drop column "next_attempt_at", drop column "last_error", drop column "provider_message_id", drop column "delivered_at";`,
    );
  }
}
