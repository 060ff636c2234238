import { Migration } from '@mikro-orm/migrations';
import { dataKeyring } from '../../app/security/data-key.server';
import { openIdNumber, sealIdNumber } from '../../app/security/id-number.server';

const BATCH = 500;

// ID numbers leave the clear column: each is sealed (AES-256-GCM) beside its blind index, then the clear column
// is dropped, all in the migration's transaction, so no install keeps a clear copy. The key is read only when
// there is something to seal: a new database migrates without one.
export class Migration20261203030000_id_number_encryption extends Migration {
  override name = 'Migration20261203030000_id_number_encryption';

  override async up(): Promise<void> {
    await this.execute(
      `alter table "citizen" add column "id_number_sealed" text null, add column "id_number_index" varchar(64) null;`,
    );
    await this.execute(`create index "citizen_id_number_index_index" on "citizen" ("id_number_index");`);
    await this.rewrite(
      'id_number',
      (clear) => {
        const { sealed, index } = sealIdNumber(clear, dataKeyring());
        return [sealed, index];
      },
      ['id_number_sealed', 'id_number_index'],
    );
    await this.execute(`alter table "citizen" drop column "id_number";`);
  }

  override async down(): Promise<void> {
    await this.execute(`alter table "citizen" add column "id_number" varchar(32) null;`);
    await this.rewrite('id_number_sealed', (sealed) => [openIdNumber(sealed, dataKeyring())], ['id_number']);
    await this.execute(`drop index "citizen_id_number_index_index";`);
    await this.execute(`alter table "citizen" drop column "id_number_sealed", drop column "id_number_index";`);
  }

  /** Every citizen with a value in `from`, in id order and batches: `to` columns set to what `fn` makes of it. */
  private async rewrite(from: string, fn: (value: string) => (string | null)[], to: string[]) {
    for (let after = 0; ;) {
      const rows = await this.execute(
        `select "id", "${from}" as "value" from "citizen" where "id" > ? and "${from}" is not null order by "id" limit ${BATCH};`,
        [after],
      );
      if (!rows.length) return;
      const values = rows.map((r) => [r.id as number, ...fn(String(r.value))]);
      const tuple = `(?::int, ${to.map(() => '?').join(', ')})`;
      await this.execute(
        `update "citizen" c set ${to.map((col) => `"${col}" = v."${col}"`).join(', ')}
           from (values ${values.map(() => tuple).join(', ')}) as v("id", ${to.map((c) => `"${c}"`).join(', ')})
          where c."id" = v."id";`,
        values.flat(),
      );
      after = rows[rows.length - 1].id as number;
    }
  }
}
