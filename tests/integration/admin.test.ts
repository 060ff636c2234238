import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createCategory,
  listCategories,
  setCategoryActive,
  updateCategoryLimits,
} from '../../app/admin/categories.server';
import {
  changeHotline,
  createDepartment,
  deactivateDepartment,
  listDepartments,
  renameDepartment,
} from '../../app/admin/departments.server';
import { createUser, listUsers, resetPassword, setUserActive, updateUser } from '../../app/admin/users.server';
import { checkPassword } from '../../app/auth/sign-in.server';
import { jsonb } from '../../app/db/sql.server';
import { Forbidden, InvalidInput } from '../../app/domain/errors';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

/** The error a promise rejects with (fails the test if it resolves). */
async function refusal(p: Promise<unknown>): Promise<InvalidInput> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidInput);
  return err as InvalidInput;
}

describe.each(DB_KINDS)('admin screens on %s', (kind) => {
  const t = useTestServices(kind);
  /** The user id the password signs in, or null. */
  const signsIn = async (username: string, password: string) => {
    const check = await checkPassword(t.em(), { username, password, client: null });
    return check.ok ? check.userId : null;
  };
  const admin = () => t.as('admin');
  const count = async (table: string) => (await t.sql<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;
  const dept = (code: string) => t.ids.departments.get(code)!;

  describe('users', () => {
    it('refuses a taken username with a field error and writes nothing', async () => {
      const [users, grids] = [await count('app_user'), await count('grid_worker')];
      const err = await refusal(
        createUser(t.em(), admin(), {
          username: 'handler',
          displayName: '重名用户',
          password: 'longenough',
          role: 'gridWorker',
          gridIds: [String(t.ids.grids.get('G03'))],
        }),
      );
      expect(err.fieldErrors).toEqual({ username: ['用户名已被使用'] });
      // Case does not make a new name either.
      expect(
        (
          await refusal(
            createUser(t.em(), admin(), {
              username: 'HANDLER',
              displayName: '重名用户',
              password: 'longenough',
              role: 'operator',
            }),
          )
        ).fieldErrors.username,
      ).toEqual(['用户名已被使用']);
      expect([await count('app_user'), await count('grid_worker')]).toEqual([users, grids]);
    });

    it('checks password length, the handler department and grids only for grid workers', async () => {
      const before = await count('app_user');
      const err = await refusal(
        createUser(t.em(), admin(), {
          username: 'newhandler',
          displayName: '新承办人',
          password: 'short',
          role: 'handler',
          gridIds: ['1'],
        }),
      );
      expect(err.fieldErrors).toEqual({
        password: ['密码至少 8 位'],
        departmentId: ['承办单位用户必须选择所属部门'],
        gridIds: ['只有网格员可以负责网格'],
      });
      expect(
        (
          await refusal(
            createUser(t.em(), admin(), { username: 'x1', displayName: '某人', password: 'longenough', role: 'boss' }),
          )
        ).fieldErrors,
      ).toMatchObject({ username: [expect.stringContaining('3–64 位')], role: ['请选择角色'] });
      expect(await count('app_user')).toBe(before);
    });

    it('creates a handler who can sign in, then edits his role and grids', async () => {
      const username = `h${randomBytes(3).toString('hex')}`;
      const { id } = await createUser(t.em(), admin(), {
        username,
        displayName: '城管局承办人 新',
        password: 'initial-pass',
        role: 'handler',
        departmentId: String(dept('F02')),
        gridIds: [],
      });
      expect(await signsIn(username, 'initial-pass')).toBe(id);
      const hash = (await t.sql<{ password_hash: string }>('select password_hash from app_user where id = ?', [id]))[0]
        .password_hash;
      expect(hash).toMatch(/^\$argon2id\$/);
      const grids = [t.ids.grids.get('G05')!, t.ids.grids.get('G06')!];
      await updateUser(t.em(), admin(), id, {
        displayName: '网格员 新',
        role: 'gridWorker',
        departmentId: String(dept('S0102')),
        gridIds: grids.map(String),
      });
      const row = (await listUsers(t.em(), admin())).find((u) => u.id === id)!;
      expect(row).toMatchObject({
        role: 'gridWorker',
        displayName: '网格员 新',
        departmentId: dept('S0102'),
        gridIds: grids,
        active: true,
      });
      // Back to handler with grids still ticked is refused, and the grids stay as they were.
      expect(
        (
          await refusal(
            updateUser(t.em(), admin(), id, {
              displayName: '网格员 新',
              role: 'handler',
              departmentId: String(dept('F02')),
              gridIds: grids,
            }),
          )
        ).fieldErrors,
      ).toEqual({ gridIds: ['只有网格员可以负责网格'] });
      expect((await listUsers(t.em(), admin())).find((u) => u.id === id)!.gridIds).toEqual(grids);
      await resetPassword(t.em(), admin(), id, { password: 'second-pass' });
      expect(await signsIn(username, 'initial-pass')).toBeNull();
      expect(await signsIn(username, 'second-pass')).toBe(id);
    });

    it('deactivating a user deletes his sessions so he is signed out at once', async () => {
      const user = t.ids.users.get('handler2')!;
      const expires = new Date(Date.now() + 3600_000);
      for (let i = 0; i < 2; i++) {
        await t.sql(
          'insert into user_session (id, user_id, created_at, expires_at, last_seen_at) values (?, ?, ?, ?, ?)',
          [randomBytes(32).toString('hex'), user.id, new Date(), expires, new Date()],
        );
      }
      const others = (await count('user_session')) - 2;
      await setUserActive(t.em(), admin(), user.id, false);
      expect(await t.sql('select id from user_session where user_id = ?', [user.id])).toEqual([]);
      expect(await count('user_session')).toBe(others);
      expect(await signsIn('handler2', 'demo12345')).toBeNull();
      await setUserActive(t.em(), admin(), user.id, true);
      expect((await listUsers(t.em(), admin())).find((u) => u.id === user.id)!.active).toBe(true);
    });

    it('an admin cannot deactivate or demote himself', async () => {
      const self = admin();
      expect((await refusal(setUserActive(t.em(), self, self.userId, false))).fieldErrors).toEqual({
        id: ['不能停用自己的账号'],
      });
      expect(
        (await refusal(updateUser(t.em(), self, self.userId, { displayName: '管理员', role: 'operator' }))).fieldErrors,
      ).toEqual({ role: ['不能取消自己的管理员角色'] });
      expect(
        (
          await t.sql<{ active: boolean; role: string }>('select active, role from app_user where id = ?', [
            self.userId,
          ])
        )[0],
      ).toEqual({ active: true, role: 'admin' });
    });
  });

  it('refuses every admin function to a non-admin', async () => {
    const before = [await count('app_user'), await count('department'), await count('category')];
    for (const who of ['operator', 'dispatcher', 'supervisor', 'handler']) {
      const actor = t.as(who);
      const calls: Promise<unknown>[] = [
        listUsers(t.em(), actor),
        createUser(t.em(), actor, { username: 'sneaky', displayName: '越权', password: 'longenough', role: 'admin' }),
        setUserActive(t.em(), actor, t.ids.users.get('admin')!.id, false),
        resetPassword(t.em(), actor, t.ids.users.get('admin')!.id, { password: 'longenough' }),
        listDepartments(t.em(), actor),
        createDepartment(t.em(), actor, {
          parentId: dept('C'),
          code: 'X1',
          name: '越权部门',
          kind: 'functional',
          hotline: '12345',
        }),
        deactivateDepartment(t.em(), actor, dept('F13')),
        listCategories(t.em(), actor),
        updateCategoryLimits(t.em(), actor, t.ids.categories.get('0201')!, {}),
        setCategoryActive(t.em(), actor, t.ids.categories.get('0201')!, false),
      ];
      for (const call of calls) await expect(call).rejects.toBeInstanceOf(Forbidden);
    }
    expect([await count('app_user'), await count('department'), await count('category')]).toEqual(before);
  });

  describe('departments', () => {
    it('a new department gets its parent path plus its own id', async () => {
      const district = (await listDepartments(t.em(), admin())).find((d) => d.code === 'D01')!;
      const { id, path } = await createDepartment(t.em(), admin(), {
        parentId: String(district.id),
        code: 'S0103',
        name: '新建街道',
        kind: 'street',
        hotline: '0571-81000009',
      });
      expect(path).toBe(`${district.path}${id}/`);
      const row = (await listDepartments(t.em(), admin())).find((d) => d.id === id)!;
      expect(row).toMatchObject({
        path,
        parentId: district.id,
        depth: district.depth + 1,
        active: true,
        kind: 'street',
      });
      // Listed right after its parent's subtree starts: parents always come before children.
      const list = await listDepartments(t.em(), admin());
      expect(list.findIndex((d) => d.id === district.id)).toBeLessThan(list.findIndex((d) => d.id === id));
      const community = await createDepartment(t.em(), admin(), {
        parentId: String(id),
        code: 'M99',
        name: '新建社区',
        kind: 'community',
        hotline: '0571-81000010',
      });
      expect(community.path).toBe(`${path}${community.id}/`);
    });

    it('refuses a taken code, a wrong level and a bad phone number, writing nothing', async () => {
      const before = await count('department');
      const base = { parentId: String(dept('C')), name: '某局', kind: 'functional', hotline: '0571-87000199' };
      expect((await refusal(createDepartment(t.em(), admin(), { ...base, code: 'F02' }))).fieldErrors).toEqual({
        code: ['部门编码已被使用'],
      });
      expect(
        (await refusal(createDepartment(t.em(), admin(), { ...base, code: 'Z1', kind: 'community' }))).fieldErrors,
      ).toEqual({ kind: ['该类型的部门不能设在所选上级部门之下'] });
      expect(
        (await refusal(createDepartment(t.em(), admin(), { ...base, code: 'Z2', hotline: '打电话' }))).fieldErrors
          .hotline,
      ).toHaveLength(1);
      expect(await count('department')).toBe(before);
      expect(
        (await refusal(changeHotline(t.em(), admin(), dept('F02'), { hotline: '12-34' }))).fieldErrors.hotline,
      ).toHaveLength(1);
      await changeHotline(t.em(), admin(), dept('F02'), { hotline: '0571-87000888' });
      await renameDepartment(t.em(), admin(), dept('F02'), { name: '市城市管理局' });
      expect((await listDepartments(t.em(), admin())).find((d) => d.code === 'F02')).toMatchObject({
        hotline: '0571-87000888',
        name: '市城市管理局',
      });
    });

    it('creates a referral agency whose staff are mediators, and keeps mediators to agencies', async () => {
      const before = await count('department');
      const base = { parentId: String(dept('C')), name: '市消费纠纷调解委员会', hotline: '0571-87000299' };
      expect(
        (
          await refusal(
            createDepartment(t.em(), admin(), { ...base, code: 'R09', kind: 'district', referralKind: 'mediation' }),
          )
        ).fieldErrors,
      ).toEqual({ referralKind: ['只有职能部门可以作为转介机构'] });
      expect(
        (
          await refusal(
            createDepartment(t.em(), admin(), { ...base, code: 'R09', kind: 'functional', referralKind: 'court' }),
          )
        ).fieldErrors.referralKind,
      ).toHaveLength(1);
      expect(await count('department')).toBe(before);
      const { id } = await createDepartment(t.em(), admin(), {
        ...base,
        code: 'R09',
        kind: 'functional',
        referralKind: 'mediation',
      });
      expect((await listDepartments(t.em(), admin())).find((d) => d.id === id)).toMatchObject({
        referralKind: 'mediation',
      });
      // A bureau created without a kind is no agency.
      expect((await listDepartments(t.em(), admin())).find((d) => d.code === 'F02')!.referralKind).toBeNull();
      const mediator = { displayName: '新调解员', password: 'longenough', role: 'mediator' };
      expect((await refusal(createUser(t.em(), admin(), { ...mediator, username: 'med-none' }))).fieldErrors).toEqual({
        departmentId: ['调解员等转介机构用户必须选择所属机构'],
      });
      expect(
        (
          await refusal(
            createUser(t.em(), admin(), { ...mediator, username: 'med-f02', departmentId: String(dept('F02')) }),
          )
        ).fieldErrors,
      ).toEqual({ departmentId: ['请选择转介机构（调解委员会、法律援助中心等）'] });
      await createUser(t.em(), admin(), { ...mediator, username: 'med-r09', departmentId: String(id) });
    });

    it('refuses to deactivate a department with active users or sub-departments', async () => {
      const err = await refusal(deactivateDepartment(t.em(), admin(), dept('F02')));
      expect(err.fieldErrors.id).toContainEqual(expect.stringMatching(/还有 \d+ 名启用的用户/));
      const street = await refusal(deactivateDepartment(t.em(), admin(), dept('S0201')));
      expect(street.fieldErrors.id).toContainEqual('还有 2 个启用的下级部门，请先停用下级部门'); // and its grid workers
      expect(
        (await listDepartments(t.em(), admin()))
          .filter((d) => ['F02', 'S0201'].includes(d.code))
          .every((d) => d.active),
      ).toBe(true);
      // A department with nothing depending on it can go.
      const { id } = await createDepartment(t.em(), admin(), {
        parentId: String(dept('C')),
        code: 'F99',
        name: '市临时指挥部',
        kind: 'functional',
        hotline: '0571-87000999',
      });
      await deactivateDepartment(t.em(), admin(), id);
      expect((await listDepartments(t.em(), admin())).find((d) => d.id === id)!.active).toBe(false);
      // And an inactive department takes no new users.
      expect(
        (
          await refusal(
            createUser(t.em(), admin(), {
              username: 'late',
              displayName: '迟到者',
              password: 'longenough',
              role: 'handler',
              departmentId: String(id),
            }),
          )
        ).fieldErrors,
      ).toEqual({ departmentId: ['该部门已停用'] });
    });
  });

  describe('categories', () => {
    const limitsForm = (normal: { amount: unknown; unit: unknown }) => ({
      'emergency.amount': '2',
      'emergency.unit': 'clockHours',
      'urgent.amount': '3',
      'urgent.unit': 'workingDays',
      'normal.amount': normal.amount,
      'normal.unit': normal.unit,
      'accept.amount': '1',
      'accept.unit': 'workingDays',
      'callback.amount': '2',
      'callback.unit': 'workingDays',
      defaultDepartmentId: String(dept('F02')),
    });
    const limitsOf = async (code: string) => (await listCategories(t.em(), admin())).find((c) => c.code === code)!;

    it('validates units and amounts, and persists valid limits', async () => {
      const id = t.ids.categories.get('0201')!;
      const before = await limitsOf('0201');
      expect(
        (await refusal(updateCategoryLimits(t.em(), admin(), id, limitsForm({ amount: '10', unit: 'fortnights' }))))
          .fieldErrors,
      ).toEqual({ 'normal.unit': ['请选择时限单位'] });
      for (const [amount, message] of [
        ['0', '最少为 1'],
        ['721', '最多为 720'],
        ['1.5', '请填写整数'],
        ['', '请填写 1–720 的整数'],
        ['abc', '请填写 1–720 的整数'],
      ]) {
        expect(
          (await refusal(updateCategoryLimits(t.em(), admin(), id, limitsForm({ amount, unit: 'workingDays' }))))
            .fieldErrors,
        ).toEqual({ 'normal.amount': [message] });
      }
      expect(await limitsOf('0201')).toEqual(before);
      const saved = await updateCategoryLimits(t.em(), admin(), id, limitsForm({ amount: '10', unit: 'workingDays' }));
      expect(saved.normal).toEqual({ amount: 10, unit: 'workingDays' });
      const after = await limitsOf('0201');
      expect(after.limits).toEqual({
        emergency: { amount: 2, unit: 'clockHours' },
        urgent: { amount: 3, unit: 'workingDays' },
        normal: { amount: 10, unit: 'workingDays' },
        accept: { amount: 1, unit: 'workingDays' },
        callback: { amount: 2, unit: 'workingDays' },
      });
      expect(after.defaultDepartmentId).toBe(dept('F02'));
      const [{ limits }] = await t.sql<{ limits: unknown }>('select limits from category where id = ?', [id]);
      expect(jsonb<{ normal: unknown }>(limits).normal).toEqual({ amount: 10, unit: 'workingDays' });
    });

    it('creates a sub-category with its parent limits, refuses a taken code, deactivates children before parents', async () => {
      const parent = await limitsOf('03');
      const before = await count('category');
      expect(
        (await refusal(createCategory(t.em(), admin(), { parentId: String(parent.id), code: '0301', name: '重复' })))
          .fieldErrors,
      ).toEqual({ code: ['分类编码已被使用'] });
      expect(
        (await refusal(createCategory(t.em(), admin(), { parentId: String(parent.id), code: '3x', name: '坏的编码' })))
          .fieldErrors,
      ).toEqual({ code: ['编码为 2–8 位数字'] });
      expect(await count('category')).toBe(before);
      const { id } = await createCategory(t.em(), admin(), {
        parentId: String(parent.id),
        code: '0305',
        name: '通信故障',
        defaultDepartmentId: '',
      });
      const created = (await listCategories(t.em(), admin())).find((c) => c.id === id)!;
      expect(created).toMatchObject({
        parentId: parent.id,
        depth: 1,
        limits: parent.limits,
        defaultDepartmentId: null,
        active: true,
      });
      expect((await refusal(setCategoryActive(t.em(), admin(), parent.id, false))).fieldErrors.id[0]).toMatch(
        /还有 \d+ 个启用的下级分类/,
      );
      await setCategoryActive(t.em(), admin(), id, false);
      expect((await listCategories(t.em(), admin())).find((c) => c.id === id)!.active).toBe(false);
    });
  });
});
