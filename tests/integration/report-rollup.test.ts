import { beforeAll, describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { sendAppealEvent } from '../../app/case-links/refer.server';
import { SYSTEM_ACTOR } from '../../app/cases/actor';
import { DomainError } from '../../app/domain/errors';
import { drainReportQueue, rebuildReports } from '../../app/reports/rollup.server';
import { prng } from '../../app/seed/demo-city.server';
import { APPEAL_EVENT_TYPES, eventRoles, type AppealEvent, type AppealEventType } from '../../machines/appeal-events';
import type { Actor } from '../../machines/actor';
import { restoreAppealSnapshot, type AppealSnapshot } from '../../machines/appeal';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

const DAY = 86_400_000;

/**
 * The roll-ups are kept by difference (drain) and must always equal a recomputation from the
 * appeals (rebuild). Random event sequences through the real service, drained at random points,
 * then compared cell by cell and fact by fact with a rebuild.
 */
describe.each(DB_KINDS)('report roll-ups on %s', (kind) => {
  const t = useTestServices(kind);
  let clock = Date.parse('2026-09-01T02:00:00Z');

  beforeAll(() => {
    t.services.now = () => new Date(clock);
  });

  const dump = async () => ({
    cells: await t.sql(
      `select dim, key, to_char(day, 'YYYY-MM-DD') as day, ${CELLS} from report_cell order by dim, key, day`,
    ),
    appeals: await t.sql(`select * , to_char(day, 'YYYY-MM-DD') as day from appeal_fact order by appeal_id`),
    orders: await t.sql(`select *, to_char(day, 'YYYY-MM-DD') as day from order_fact order by assignment_id`),
  });

  it('equal a full recomputation after random event sequences, drained at random points', async () => {
    const rand = prng(kind === 'pglite' ? 7 : 11);
    const dep = (code: string) => t.ids.departments.get(code)!;
    const chain = [dep('D01'), dep('S0101'), dep('M01')];
    const handler: Actor = { ...t.as('handler'), departmentIds: chain };
    const gridWorker: Actor = { ...t.as('gridworker'), gridIds: [t.ids.grids.get('G01')!] };
    const actors = [
      t.as('operator'),
      t.as('dispatcher'),
      t.as('supervisor'),
      t.as('reviewer'),
      t.as('mediator'),
      SYSTEM_ACTOR,
      handler,
      gridWorker,
    ];
    const categories = [...t.ids.categories.values()];
    const ids: number[] = [];
    const create = async () => {
      const operator = t.as('operator');
      const d = await createDraft(t.services, operator, {
        type: 'complaint',
        categoryId: categories[Math.floor(rand() * categories.length)],
        title: '随机序列',
        content: '路面破损需要修补。',
        callerPhone: `1380000${String(Math.floor(rand() * 4)).padStart(4, '0')}`,
        citizenName: '测试',
        gridId: rand() < 0.5 ? t.ids.grids.get(rand() < 0.5 ? 'G01' : 'G02')! : undefined,
      });
      ids.push(d.id);
    };
    const payloads = (type: AppealEventType, s: AppealSnapshot): Record<string, unknown>[] => {
      switch (type) {
        case 'DISPATCH':
          return [{ departmentId: chain[0], assistingDepartmentIds: [] }];
        case 'ASSIGN_GRID':
          return [{ gridId: t.ids.grids.get('G01')! }];
        case 'SUB_DISPATCH': {
          const next = chain[chain.indexOf(s.context.assigneeDepartmentId ?? -1) + 1];
          return next ? [{ departmentId: next }] : [];
        }
        case 'MERGE_INTO':
          return rand() < 0.1 ? [{ targetAppealId: ids[0] }] : [];
        case 'RESOLVE_ON_SPOT':
          return [{ answer: '当场答复' }];
        case 'REFER':
          return [{ kind: 'mediation', agencyId: t.ids.departments.get('R01')!, referralId: 1 }];
        case 'RETURN':
        case 'REJECT_RETURN':
        case 'REJECT_EXTENSION':
        case 'REJECT_REPLY':
        case 'REDO':
        case 'SUPERVISOR_CLOSE':
        case 'VERIFY_REJECT':
          return [{ reason: '测试理由' }];
        case 'REOPEN':
          return [{ reason: '再次出现' }];
        case 'NOTE':
        case 'FIELD_UPDATE':
          return [{ text: '记录' }];
        case 'REQUEST_EXTENSION':
          return [{ days: 3, reason: '需要协调' }];
        case 'APPROVE_EXTENSION':
          return [{ days: 3 }];
        case 'REPLY':
          return [{ result: '已处理', resolved: rand() < 0.8 }];
        // Sent by the case itself when it ends; here straight to the appeal, naming the case it waits for.
        case 'REFERRAL_DONE':
          return [
            { outcome: 'resolved', referralId: s.context.referralId ?? 0 },
            { outcome: 'refused', referralId: s.context.referralId ?? 0 },
          ];
        case 'REFER_ON':
          return [];
        case 'VERIFY_APPROVE':
          return [{ note: '核查属实' }];
        case 'SELF_HANDLE':
          return [];
        case 'FEEDBACK':
          return [
            { satisfaction: 'satisfied', resolved: true },
            { satisfaction: 'basicallySatisfied', resolved: true },
            { satisfaction: 'dissatisfied', resolved: false },
          ];
        case 'SUPERVISE':
          return [{ note: '督办' }];
        case 'ESCALATE':
          return [{ to: 'leader', note: '提交领导' }];
        case 'MARK_UNREASONABLE':
          return [{ unreasonable: !s.context.unreasonable, reason: '复核' }];
        case 'DISCARD':
          return rand() < 0.2 ? [{}] : [];
        // A draft's edit changes nothing the reports count.
        case 'EDIT_DRAFT':
          return [];
        default:
          return [{}];
      }
    };

    for (let i = 0; i < 24; i++) await create();
    let applied = 0;
    let last: number | undefined;
    for (let step = 0; step < 320; step++) {
      clock += Math.floor(rand() * 0.25 * DAY);
      if (rand() < 0.03) await create();
      // Often the same appeal again, so some orders are accepted within their limit and some are not.
      const id = last !== undefined && rand() < 0.6 ? last : ids[Math.floor(rand() * ids.length)];
      last = id;
      const [row] = await t.sql<{ snapshot: unknown; version: number }>(
        'select snapshot, version from appeal where id = ?',
        [id],
      );
      const s = restoreAppealSnapshot(row.snapshot);
      const at = new Date(clock).toISOString();
      const options: AppealEvent[] = [];
      for (const type of APPEAL_EVENT_TYPES) {
        for (const actor of actors.filter((a) => eventRoles[type].includes(a.role))) {
          for (const p of payloads(type, s)) {
            const probe = {
              type,
              actor,
              at,
              ...p,
              ...(type === 'APPROVE_EXTENSION' ? { newDueAt: at } : {}),
              ...(type === 'REOPEN' ? { dueAt: at } : {}),
              ...(type === 'APPROVE_REPLY' || type === 'VERIFY_APPROVE' ? { callbackDueAt: at } : {}),
            } as AppealEvent;
            if ('days' in probe && type === 'APPROVE_EXTENSION') delete (probe as { days?: number }).days;
            if (s.can(probe)) options.push({ type, actor, at, ...p } as AppealEvent);
          }
        }
      }
      // Mostly steps that move the appeal along, so most appeals get to feedback and closing.
      const moving = options.filter((o) => !NOISE.has(o.type));
      const pool = moving.length && rand() < 0.85 ? moving : options;
      if (!pool.length) continue;
      const {
        type,
        actor,
        at: _at,
        ...payload
      } = pool[Math.floor(rand() * pool.length)] as AppealEvent & Record<string, unknown>;
      // The machine may allow what scope or references do not (an appeal outside the grid, a department not below).
      const ok = await sendAppealEvent(t.services, {
        appealId: id,
        expectedVersion: row.version,
        type,
        payload,
        actor,
      }).then(
        () => true,
        (err) => {
          if (err instanceof DomainError) return false;
          throw err;
        },
      );
      if (ok) applied++;
      if (rand() < 0.15) await drainReportQueue(t.em(), { batchSize: 1 + Math.floor(rand() * 4) });
    }
    await drainReportQueue(t.em());
    expect(applied).toBeGreaterThan(200);

    const kept = await dump();
    expect(kept.cells.length).toBeGreaterThan(20);
    const rebuilt = await rebuildReports(t.em());
    expect(rebuilt.appeals).toBeGreaterThan(10);
    expect(await dump()).toEqual(kept);
    // Every measure occurred, so the comparison covered them all.
    const [all] = await t.sql<Record<string, number>>(`select ${CELLS_SUM} from report_cell where dim = 'all'`);
    for (const [col, v] of Object.entries(all)) expect(Number(v), col).toBeGreaterThan(0);
  });
});

const NOISE = new Set<string>([
  'NOTE',
  'FIELD_UPDATE',
  'SUPERVISE',
  'ESCALATE',
  'WARN',
  'MERGE_INTO',
  'DISCARD',
  'REOPEN',
  'REFER',
]);
const COLUMNS = [
  'received',
  'dispatched_appeals',
  'orders',
  'orders_on_time',
  'feedback',
  'resolved',
  'satisfaction_base',
  'satisfied',
  'closed',
  'closed_on_time',
  'overdue',
  'replied',
  'handling_centidays',
  'returned',
  'redone',
  'extended',
  'repeat_callers',
  'unreasonable',
];
const CELLS = COLUMNS.join(', ');
const CELLS_SUM = COLUMNS.map((c) => `sum(${c}) as ${c}`).join(', ');
