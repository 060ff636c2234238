import { Migration } from '@mikro-orm/migrations';

export class Migration20261123131616_appeal_request_key extends Migration {
  override name = 'Migration20261123131616_appeal_request_key';

  override up(): void | Promise<void> {
    this.addSql(`alter table "appeal" add "request_key" varchar(64) null;`);
    this.addSql(`alter table "appeal" add constraint "appeal_request_key_unique" unique ("request_key");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "appeal" drop constraint "appeal_request_key_unique";`);
    this.addSql(`alter table "appeal" drop column "request_key";`);
  }
}
