import { Migration } from '@mikro-orm/migrations';

export class Migration20261123132346_knowledge_base extends Migration {
  override name = 'Migration20261123132346_knowledge_base';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "knowledge_article" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "title" varchar(200) not null, "body" text not null, "category_id" int null, "department_id" int null, "valid_from" date null, "valid_to" date null, "active" boolean not null default true);`,
    );

    this.addSql(
      `alter table "knowledge_article" add constraint "knowledge_article_category_id_foreign" foreign key ("category_id") references "category" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "knowledge_article" add constraint "knowledge_article_department_id_foreign" foreign key ("department_id") references "department" ("id") on delete set null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "knowledge_article" cascade;`);
  }
}
