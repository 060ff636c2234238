import { Migration } from '@mikro-orm/migrations';

// Open311 GeoReport v2: the questions a category asks (its service definition), what a filed request brought beside
// the appeal (token, answers, media link), and the index the list of requests walks.
export class Migration20261227000000_open311 extends Migration {
  override name = 'Migration20261227000000_open311';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "category_question" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "category_id" int not null, "code" varchar(50) not null, "datatype" text not null, "required" boolean not null default false, "datatype_description" varchar(255) null, "sort_order" int not null, "description" text not null, "choices" jsonb null);`,
    );
    this.addSql(
      `alter table "category_question" add constraint "category_question_category_id_code_unique" unique ("category_id", "code");`,
    );

    this.addSql(
      `create table "open311_token" ("token" varchar(64) not null, "client_id" int not null, "appeal_id" int not null, "answers" jsonb not null, "media_url" varchar(2048) null, "address_id" varchar(100) null, "reporter" jsonb not null, "created_at" timestamptz not null, primary key ("token"));`,
    );
    this.addSql(`alter table "open311_token" add constraint "open311_token_appeal_id_unique" unique ("appeal_id");`);

    this.addSql(
      `create index "appeal_open311_requests_index" on "appeal" ("submitted_at", "id") where not "tags" @> '{draft}';`,
    );

    this.addSql(
      `alter table "category_question" add constraint "category_question_category_id_foreign" foreign key ("category_id") references "category" ("id");`,
    );
    this.addSql(
      `alter table "category_question" add constraint "category_question_datatype_check" check ("datatype" in ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'));`,
    );

    this.addSql(
      `alter table "open311_token" add constraint "open311_token_client_id_foreign" foreign key ("client_id") references "api_client" ("id");`,
    );
    this.addSql(
      `alter table "open311_token" add constraint "open311_token_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "appeal_open311_requests_index";`);
    this.addSql(`drop table if exists "open311_token" cascade;`);
    this.addSql(`drop table if exists "category_question" cascade;`);
  }
}
