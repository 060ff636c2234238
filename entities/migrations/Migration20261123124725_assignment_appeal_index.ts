import { Migration } from '@mikro-orm/migrations';

export class Migration20261123124725_assignment_appeal_index extends Migration {
  override name = 'Migration20261123124725_assignment_appeal_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "assignment_appeal_id_index" on "assignment" ("appeal_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "assignment_appeal_id_index";`);
  }
}
