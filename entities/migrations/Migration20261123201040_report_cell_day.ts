import { Migration } from '@mikro-orm/migrations';

export class Migration20261123201040_report_cell_day extends Migration {
  override name = 'Migration20261123201040_report_cell_day';

  override up(): void | Promise<void> {
    this.addSql(`create index "report_cell_dim_day_index" on "report_cell" ("dim", "day");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "report_cell_dim_day_index";`);
  }
}
