import { Migration } from '@mikro-orm/migrations';

// Sections inside bureaus (科室/中队) for second-level dispatch, and the assisting orders' own deadline and answer
// on their assignment rows (the appeal's snapshot decides them; the rows mirror them for the assisting unit's queue).
export class Migration20261204040000_assisting_orders extends Migration {
  override name = 'Migration20261204040000_assisting_orders';

  override up(): void | Promise<void> {
    this.addSql(`alter table "department" drop constraint if exists "department_kind_check";`);
    this.addSql(
      `alter table "department" add constraint "department_kind_check" check ("kind" in ('city', 'district', 'street', 'community', 'functional', 'section'));`,
    );
    this.addSql(
      `alter table "assignment" add column "due_at" timestamptz null, add column "answered_at" timestamptz null;`,
    );
    this.addSql(`alter table "assignment" drop constraint if exists "assignment_status_check";`);
    this.addSql(
      `alter table "assignment" add constraint "assignment_status_check" check ("status" in ('active', 'returned', 'superseded', 'done', 'waived'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "assignment" drop constraint if exists "assignment_status_check";`);
    this.addSql(
      `alter table "assignment" add constraint "assignment_status_check" check ("status" in ('active', 'returned', 'superseded', 'done'));`,
    );
    this.addSql(`alter table "assignment" drop column "due_at", drop column "answered_at";`);
    this.addSql(`alter table "department" drop constraint if exists "department_kind_check";`);
    this.addSql(
      `alter table "department" add constraint "department_kind_check" check ("kind" in ('city', 'district', 'street', 'community', 'functional'));`,
    );
  }
}
