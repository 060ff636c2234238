import { Migration } from '@mikro-orm/migrations';

export class Migration20261123180506_attachment_stage extends Migration {
  override name = 'Migration20261123180506_attachment_stage';

  override up(): void | Promise<void> {
    this.addSql(`alter table "attachment" add "stage" text null;`);
    this.addSql(
      `alter table "attachment" add constraint "attachment_stage_check" check ("stage" in ('before', 'after'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "attachment" drop constraint "attachment_stage_check";`);
    this.addSql(`alter table "attachment" drop column "stage";`);
  }
}
