import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';

// The demo city has someone on the ground in every grid, each in the street his grids belong to.
describe.each(DB_KINDS)('the demo city’s grid workers on %s', (kind) => {
  const t = useTestDatabase(kind);

  it('covers every grid, and keeps gridworker on G01 and G02', async () => {
    const [{ grids, covered }] = await t.sql<{ grids: number; covered: number }>(
      `select (select count(*)::int from grid) as grids,
              (select count(distinct gw.grid_id)::int from grid_worker gw join app_user u on u.id = gw.user_id
                where u.active and u.role = 'gridWorker') as covered`,
    );
    expect(grids).toBe(20);
    expect(covered).toBe(20);
    expect(t.as('gridworker').gridIds).toEqual([t.ids.grids.get('G01'), t.ids.grids.get('G02')]);
  });

  it('puts each grid worker in the street of his grids', async () => {
    const misplaced = await t.sql(
      `select u.username, g.code from grid_worker gw join app_user u on u.id = gw.user_id
         join grid g on g.id = gw.grid_id join department m on m.id = g.community_id
        where u.department_id is distinct from m.parent_id`,
    );
    expect(misplaced).toEqual([]);
  });
});
