import { Migration } from '@mikro-orm/migrations';

export class Migration20261123123711_audit_append_only extends Migration {
  override name = 'Migration20261123123711_audit_append_only';

  override up(): void | Promise<void> {
    this.addSql(`create index "appeal_caller_phone_index" on "appeal" ("caller_phone");`);
    this.addSql(`create index "appeal_created_at_index" on "appeal" ("created_at" DESC, "id" DESC);`);

    this.addSql(
      `create or replace function "appeal_event_appeal_event_no_update_fn"() returns trigger as \$\$ begin raise exception 'appeal_event is append-only (% refused)', tg_op; end; \$\$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "appeal_event_no_update" BEFORE UPDATE OR DELETE on "appeal_event" for each ROW execute function "appeal_event_appeal_event_no_update_fn"();`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "appeal_caller_phone_index";`);
    this.addSql(`drop index "appeal_created_at_index";`);

    this.addSql(`drop trigger if exists "appeal_event_no_update" on "appeal_event";`);
    this.addSql(`drop function if exists "appeal_event_appeal_event_no_update_fn"();`);
  }
}
