import { Migration } from '@mikro-orm/migrations';

export class Migration20261123200108_department_worklist extends Migration {
  override name = 'Migration20261123200108_department_worklist';

  override up(): void | Promise<void> {
    this.addSql(
      `create index "appeal_department_worklist_index" on "appeal" ("lead_department_id", "due_at", "id") where "phase" not in ('closed', 'merged', 'void', 'draft');`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "appeal_department_worklist_index";`);
  }
}
