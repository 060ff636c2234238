import { Migration } from '@mikro-orm/migrations';

export class Migration20261123194455_daily_report extends Migration {
  override name = 'Migration20261123194455_daily_report';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "daily_report" ("day" date not null, "generated_at" timestamptz not null, "xlsx_sha256" varchar(64) not null, "xlsx_size" int not null, "pdf_sha256" varchar(64) not null, "pdf_size" int not null, primary key ("day"));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "daily_report" cascade;`);
  }
}
