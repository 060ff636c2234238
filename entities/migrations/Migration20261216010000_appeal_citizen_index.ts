import { Migration } from '@mikro-orm/migrations';

// The screen pop places a caller in a district by the latest located appeal of the citizen: by citizen, newest first.
export class Migration20261216010000_appeal_citizen_index extends Migration {
  override name = 'Migration20261216010000_appeal_citizen_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "appeal_citizen_created_index" on "appeal" ("citizen_id", "created_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "appeal_citizen_created_index";`);
  }
}
