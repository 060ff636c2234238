import { Migration } from '@mikro-orm/migrations';

// A print of a referral case's legal document (人民调解协议书, 仲裁裁决书) names the parties in full, so it
// is recorded in the access log like a reveal: the row names the case beside the appeal it came from.
export class Migration20261204070000_referral_prints extends Migration {
  override name = 'Migration20261204070000_referral_prints';

  override up(): void | Promise<void> {
    this.addSql(`alter table "access_log" add column "referral_id" int null;`);
    this.addSql(`create index "access_log_referral_id_index" on "access_log" ("referral_id");`);
    this.addSql(
      `alter table "access_log" add constraint "access_log_referral_id_foreign" foreign key ("referral_id") references "referral" ("id") on delete set null;`,
    );
    this.addSql(`alter table "access_log" drop constraint if exists "access_log_field_check";`);
    this.addSql(
      `alter table "access_log" add constraint "access_log_field_check" check ("field" in ('callerPhone', 'idNumber', 'mediationAgreement', 'arbitrationAward'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from "access_log" where "field" in ('mediationAgreement', 'arbitrationAward');`);
    this.addSql(`alter table "access_log" drop constraint if exists "access_log_field_check";`);
    this.addSql(
      `alter table "access_log" add constraint "access_log_field_check" check ("field" in ('callerPhone', 'idNumber'));`,
    );
    this.addSql(`alter table "access_log" drop constraint if exists "access_log_referral_id_foreign";`);
    this.addSql(`drop index if exists "access_log_referral_id_index";`);
    this.addSql(`alter table "access_log" drop column if exists "referral_id";`);
  }
}
