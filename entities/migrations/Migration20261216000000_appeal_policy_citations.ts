import { Migration } from '@mikro-orm/migrations';

// The policy item an appeal's answer cites (policy, published version, item number), written with the appeal's step.
export class Migration20261216000000_appeal_policy_citations extends Migration {
  override name = 'Migration20261216000000_appeal_policy_citations';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "appeal_policy_citation" ("id" serial primary key, "appeal_id" int not null, "policy_id" int not null, "version_no" int not null, "item_no" int not null, "cited_by_id" int not null, "cited_at" timestamptz not null);`,
    );
    this.addSql(`create index "appeal_policy_citation_policy_id_index" on "appeal_policy_citation" ("policy_id");`);
    this.addSql(
      `alter table "appeal_policy_citation" add constraint "appeal_policy_citation_item_unique" unique ("appeal_id", "policy_id", "version_no", "item_no");`,
    );
    this.addSql(
      `alter table "appeal_policy_citation" add constraint "appeal_policy_citation_appeal_id_foreign" foreign key ("appeal_id") references "appeal" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "appeal_policy_citation" add constraint "appeal_policy_citation_policy_id_foreign" foreign key ("policy_id") references "policy" ("id");`,
    );
    this.addSql(
      `alter table "appeal_policy_citation" add constraint "appeal_policy_citation_cited_by_id_foreign" foreign key ("cited_by_id") references "app_user" ("id");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "appeal_policy_citation" cascade;`);
  }
}
