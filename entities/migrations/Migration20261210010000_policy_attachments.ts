import { Migration } from '@mikro-orm/migrations';

// Files kept with a policy (the issuing document, an application form), stored like the appeals' attachments.
export class Migration20261210010000_policy_attachments extends Migration {
  override name = 'Migration20261210010000_policy_attachments';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "policy_attachment" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "policy_id" int not null, "file_name" varchar(255) not null, "content_type" varchar(100) not null, "size" int not null, "sha256" varchar(64) not null, "storage_path" varchar(500) not null, "uploaded_by_id" int not null);`,
    );
    this.addSql(`create index "policy_attachment_policy_id_index" on "policy_attachment" ("policy_id");`);

    this.addSql(
      `alter table "policy_attachment" add constraint "policy_attachment_policy_id_foreign" foreign key ("policy_id") references "policy" ("id");`,
    );
    this.addSql(
      `alter table "policy_attachment" add constraint "policy_attachment_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "app_user" ("id");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "policy_attachment" cascade;`);
  }
}
