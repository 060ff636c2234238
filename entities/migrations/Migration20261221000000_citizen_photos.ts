import { Migration } from '@mikro-orm/migrations';

// A citizen's photos filed with a web appeal are the appeal's attachments, uploaded by no staff account.

export class Migration20261221000000_citizen_photos extends Migration {
  override name = 'Migration20261221000000_citizen_photos';

  override up(): void | Promise<void> {
    this.addSql(`alter table "attachment" drop constraint "attachment_uploaded_by_id_foreign";`);
    this.addSql(`alter table "attachment" alter column "uploaded_by_id" drop not null;`);
    this.addSql(
      `alter table "attachment" add constraint "attachment_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "app_user" ("id") on delete set null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "attachment" drop constraint "attachment_uploaded_by_id_foreign";`);
    this.addSql(`alter table "attachment" alter column "uploaded_by_id" set not null;`);
    this.addSql(
      `alter table "attachment" add constraint "attachment_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "app_user" ("id");`,
    );
  }
}
