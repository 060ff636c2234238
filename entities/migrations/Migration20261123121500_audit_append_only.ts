import { Migration } from '@mikro-orm/migrations';

// The audit trail is append-only in the database itself, not only by convention in code.
export class Migration20261123121500_audit_append_only extends Migration {
  override name = 'Migration20261123121500_audit_append_only';

  override up(): void {
    this.addSql(`create or replace function appeal_event_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'appeal_event is append-only (% refused)', tg_op;
end $$;`);
    this.addSql(`create trigger appeal_event_no_update before update or delete on "appeal_event" for each row execute function appeal_event_append_only();`);
    this.addSql(`create index "appeal_created_at_index" on "appeal" ("created_at" desc, "id" desc);`);
    this.addSql(`create index "appeal_caller_phone_index" on "appeal" ("caller_phone");`);
  }

  override down(): void {
    this.addSql(`drop trigger if exists appeal_event_no_update on "appeal_event";`);
    this.addSql(`drop function if exists appeal_event_append_only();`);
    this.addSql(`drop index if exists "appeal_created_at_index";`);
    this.addSql(`drop index if exists "appeal_caller_phone_index";`);
  }
}
