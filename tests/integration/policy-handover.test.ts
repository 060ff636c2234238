import { describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { appealDetail } from '../../app/appeals/detail.server';
import { worklistsFor } from '../../app/appeals/worklists.server';
import { applyEvent } from '../../app/appeals/service.server';
import { HANDOVER_LIMITS_SETTING } from '../../app/appeals/policy-handover.server';
import { Conflict, Forbidden, InvalidInput } from '../../app/domain/errors';
import { fireTimer } from '../../app/jobs/workers.server';
import { newRequestKey, recordIntake, recordsForCaller } from '../../app/intake/intake.server';
import { createPolicy, policyForEdit, stepPolicy } from '../../app/policies/catalogue.server';
import { DEMO_RECORDED_CALLER } from '../../app/seed/demo-policy-records.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// A policy's consultation handed to its lead department's chief representative (转首席代表), and a complaint about a
// policy (政策异议, 异议处置): where they go, on which limits, what appeal_policy says, and what is refused.

const STARTUP = '一次性创业补贴';
const ELDERLY = '东城区80周岁以上老年人高龄津贴';
const FIRM_PHONE = '13912340001';

describe.each(DB_KINDS)('policy handover on %s', (kind) => {
  const t = useTestServices(kind);
  const count = async (sql: string, params: unknown[] = []) =>
    (await t.sql<{ n: number }>(`select count(*)::int as n from ${sql}`, params))[0].n;
  const policy = async (title: string) =>
    (
      await t.sql<{ id: number; lead: number; chief: number | null }>(
        `select p.id, p.lead_department_id as lead, p.chief_representative_id as chief from policy p where title = ?`,
        [title],
      )
    )[0];
  const form = (over: Record<string, unknown>) => ({
    intent: 'policy',
    requestKey: newRequestKey(),
    callerPhone: FIRM_PHONE,
    citizenName: '陈志强',
    category: '0201',
    title: '创业补贴没有收到',
    content: '公司去年开办，符合条件，但一直没有收到一次性创业补贴。',
    ...over,
  });
  const appealRow = async (id: number) =>
    (
      await t.sql<{
        phase: string;
        type: string;
        lead_department_id: number | null;
        due_at: Date;
        accept_due_at: Date;
        submitted_at: Date;
        snapshot: unknown;
      }>(
        'select phase, type, lead_department_id, due_at, accept_due_at, submitted_at, snapshot from appeal where id = ?',
        [id],
      )
    )[0];
  const linkOf = (id: number) =>
    t.sql('select policy_id, record_id, reason, complaint_kind, created_by_id from appeal_policy where appeal_id = ?', [
      id,
    ]);

  it('hands a consultation to the lead department on the short limit, naming the chief representative', async () => {
    const p = await policy(STARTUP);
    expect(p.chief).not.toBeNull();
    const r = await recordIntake(
      t.services,
      t.as('operator'),
      form({ handoverPolicyId: String(p.id), handoverReason: 'consultation', title: '创业补贴怎么领' }),
    );
    expect(r.phase).toBe('dispatched');
    const a = await appealRow(r.appealId);
    expect(a).toMatchObject({ type: 'consultation', lead_department_id: p.lead });
    const snapshot = typeof a.snapshot === 'string' ? JSON.parse(a.snapshot) : a.snapshot;
    expect(snapshot.context.chiefRepresentativeId).toBe(p.chief);
    // One working day to answer, less to accept: well within the category's seven.
    const hours = (new Date(a.due_at).getTime() - new Date(a.submitted_at).getTime()) / 3600_000;
    expect(hours).toBeGreaterThan(0);
    expect(hours).toBeLessThanOrEqual(24 * 4);
    expect(new Date(a.accept_due_at).getTime()).toBeLessThanOrEqual(new Date(a.due_at).getTime());
    expect(await linkOf(r.appealId)).toEqual([
      {
        policy_id: p.id,
        record_id: null,
        reason: 'consultation',
        complaint_kind: null,
        created_by_id: t.ids.users.get('operator')!.id,
      },
    ]);
    // The order row and the durable timers of the new deadline, as a dispatch has them.
    expect(await t.sql(`select department_id, role, status from assignment where appeal_id = ?`, [r.appealId])).toEqual(
      [{ department_id: p.lead, role: 'lead', status: 'active' }],
    );
    const deadline = new Date(a.due_at).toISOString();
    expect(
      await count(`pgboss.job where data->>'appealId' = ? and data->>'event' = 'OVERDUE' and data->>'deadline' = ?`, [
        String(r.appealId),
        deadline,
      ]),
    ).toBe(1);
    // The audit row keeps what the server computed.
    const [audit] = await t.sql<{ payload: unknown; actor_role: string }>(
      `select payload, actor_role from appeal_event where appeal_id = ? and type = 'HAND_TO_POLICY_LEAD'`,
      [r.appealId],
    );
    const payload = typeof audit.payload === 'string' ? JSON.parse(audit.payload) : audit.payload;
    expect(payload).toMatchObject({
      policyId: p.id,
      reason: 'consultation',
      leadDepartmentId: p.lead,
      dueAt: deadline,
    });
    // The chief representative's department sees it with its time left; the page says what it is about.
    const chief = (await t.sql<{ username: string }>('select username from app_user where id = ?', [p.chief]))[0];
    const detail = await appealDetail(t.em(), t.as(chief.username), r.appealId);
    expect(detail.policy).toMatchObject({ policyId: p.id, title: STARTUP, reason: 'consultation', record: null });
    expect(detail.policy?.chiefRepresentative).toBeTruthy();
    expect(detail.deadlines.find((d) => d.kind === 'handling')?.remaining).toBeTruthy();
    // It waits in the department's own 待签收 queue, as any dispatched appeal does.
    const actor = t.as(chief.username);
    const queues = await worklistsFor(
      t.em(),
      {
        id: actor.userId,
        username: chief.username,
        displayName: chief.username,
        role: 'handler',
        departmentId: actor.departmentIds[0] ?? null,
        departmentName: null,
        gridIds: [],
        actor,
      },
      undefined,
      { limit: 200 },
    );
    expect(queues.find((q) => q.key === 'toAccept')?.items.map((i) => i.id)).toContain(r.appealId);
    // The timer of the chief representative's limit fires through the kernel.
    expect(await fireTimer(t.services, { appealId: r.appealId, event: 'OVERDUE', deadline })).toBe('applied');
    expect((await t.sql<{ sla: string }>('select sla from appeal where id = ?', [r.appealId]))[0].sla).toBe('overdue');
  });

  it('records a complaint about a policy as a complaint to its lead department, with its kind', async () => {
    const p = await policy(STARTUP);
    const r = await recordIntake(
      t.services,
      t.as('operator'),
      form({ handoverPolicyId: String(p.id), handoverReason: 'complaint', complaintKind: 'notReceived', type: 'help' }),
    );
    const a = await appealRow(r.appealId);
    expect(a).toMatchObject({ phase: 'dispatched', type: 'complaint', lead_department_id: p.lead });
    expect(await linkOf(r.appealId)).toMatchObject([
      { policy_id: p.id, record_id: null, reason: 'complaint', complaint_kind: 'notReceived' },
    ]);
    // Without limits of its own a complaint keeps the deadline of its category from submission.
    const [submit] = await t.sql<{ payload: unknown }>(
      `select payload from appeal_event where appeal_id = ? and type = 'SUBMIT'`,
      [r.appealId],
    );
    const submitted = typeof submit.payload === 'string' ? JSON.parse(submit.payload) : submit.payload;
    expect(new Date(a.due_at).toISOString()).toBe(submitted.dueAt);
  });

  it('names a recorded benefit of the caller in a complaint, never one of somebody else or another policy', async () => {
    const elderly = await policy(ELDERLY);
    const records = await recordsForCaller(t.em(), t.as('operator'), DEMO_RECORDED_CALLER.phone);
    const own = records.find((x) => x.policyId === elderly.id)!;
    expect(own).toMatchObject({ policyTitle: ELDERLY, name: DEMO_RECORDED_CALLER.name });
    const caller = {
      callerPhone: DEMO_RECORDED_CALLER.phone,
      citizenName: DEMO_RECORDED_CALLER.name,
      title: '高龄津贴金额不对',
      content: '这个月的高龄津贴金额和以前不一样，少发了。',
    };
    const r = await recordIntake(
      t.services,
      t.as('operator'),
      form({
        ...caller,
        handoverPolicyId: String(elderly.id),
        handoverReason: 'complaint',
        complaintKind: 'wrongAmount',
        recordId: String(own.id),
      }),
    );
    expect(await linkOf(r.appealId)).toMatchObject([{ policy_id: elderly.id, record_id: own.id }]);
    const detail = await appealDetail(t.em(), t.as('operator'), r.appealId);
    expect(detail.policy?.record).toMatchObject({ amount: own.amount, paidOn: own.paidOn, period: own.period });
    // The name is masked on the page.
    expect(detail.policy?.record?.name).not.toBe(DEMO_RECORDED_CALLER.name);

    // Somebody else's record, or the record under another policy: a field error, and no appeal at all.
    const other = (
      await t.sql<{ id: number; policy_id: number }>(
        `select id, policy_id from policy_record where phone <> ? and policy_id = ? limit 1`,
        [DEMO_RECORDED_CALLER.phone, elderly.id],
      )
    )[0];
    const startup = await policy(STARTUP);
    const appeals = await count('appeal');
    for (const over of [
      { handoverPolicyId: String(elderly.id), recordId: String(other.id) },
      { handoverPolicyId: String(startup.id), recordId: String(own.id) },
    ]) {
      const err = await recordIntake(
        t.services,
        t.as('operator'),
        form({ ...caller, handoverReason: 'complaint', complaintKind: 'wrongAmount', ...over }),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInput);
      expect((err as InvalidInput).fieldErrors).toHaveProperty('recordId');
    }
    expect(await count('appeal')).toBe(appeals);

    // The step checks it too, for any other caller of it: refused, and nothing written with it.
    const draft = await createDraft(t.services, t.as('operator'), {
      type: 'complaint',
      categoryId: t.ids.categories.get('0201')!,
      callerPhone: FIRM_PHONE,
      title: '补贴金额不对',
      content: '发放的金额和政策规定的不一样。',
    });
    await applyEvent(t.services, { appealId: draft.id, type: 'SUBMIT', actor: t.as('operator') });
    const step = applyEvent(t.services, {
      appealId: draft.id,
      type: 'HAND_TO_POLICY_LEAD',
      payload: { policyId: elderly.id, reason: 'complaint', complaintKind: 'wrongAmount', recordId: own.id },
      actor: t.as('operator'),
    });
    await expect(step).rejects.toBeInstanceOf(InvalidInput);
    expect(await linkOf(draft.id)).toEqual([]);
    expect((await appealRow(draft.id)).phase).toBe('triage');
  });

  it('refuses a policy that is retired or was never published, before anything is written', async () => {
    const admin = t.as('admin');
    const { id } = await createPolicy(t.em(), admin, {
      title: `测试停发补贴${kind}`,
      level: 'city',
      domain: 'enterprise',
      leadDepartmentId: String(t.ids.departments.get('F06')),
      liaisons: [{ name: '就业处 韦青', phone: '0571-87000106' }],
      eligibility: '本市小微企业。',
      benefit: '一次性补贴。',
      validFrom: '2026-01-01',
      keywords: '停发补贴',
      items: ['第一条 本市小微企业享受一次性补贴。'],
    });
    const appeals = await count('appeal');
    const draftErr = await recordIntake(
      t.services,
      t.as('operator'),
      form({ handoverPolicyId: String(id), handoverReason: 'consultation' }),
    ).catch((e: unknown) => e);
    expect((draftErr as InvalidInput).fieldErrors).toHaveProperty('handoverPolicyId');
    const page = await policyForEdit(t.em(), admin, id);
    await stepPolicy(t.em(), admin, id, 'PUBLISH', {}, page.policy.version);
    await stepPolicy(t.em(), admin, id, 'RETIRE', { reason: '政策到期' });
    const retiredErr = await recordIntake(
      t.services,
      t.as('operator'),
      form({ handoverPolicyId: String(id), handoverReason: 'complaint', complaintKind: 'refused' }),
    ).catch((e: unknown) => e);
    expect((retiredErr as InvalidInput).fieldErrors).toHaveProperty('handoverPolicyId');
    expect(await count('appeal')).toBe(appeals);
    expect(await count('appeal_policy where policy_id = ?', [id])).toBe(0);
  });

  it('asks a complaint for its kind, and a handover for its policy, as field errors', async () => {
    const p = await policy(STARTUP);
    const cases: [Record<string, unknown>, string][] = [
      [{ handoverPolicyId: String(p.id), handoverReason: 'complaint' }, 'complaintKind'],
      [{ handoverReason: 'consultation' }, 'handoverPolicyId'],
      [{ handoverPolicyId: String(p.id) }, 'handoverReason'],
      [{ handoverPolicyId: String(p.id), handoverReason: 'complaint', complaintKind: 'bribes' }, 'complaintKind'],
    ];
    for (const [over, field] of cases) {
      const err = await recordIntake(t.services, t.as('operator'), form(over)).catch((e: unknown) => e);
      expect(err, field).toBeInstanceOf(InvalidInput);
      expect(Object.keys((err as InvalidInput).fieldErrors ?? {}), field).toEqual([field]);
    }
  });

  it('lets the operator hand over only with a policy: no department of his choosing, no plain dispatch', async () => {
    const p = await policy(STARTUP);
    const draft = await createDraft(t.services, t.as('operator'), {
      type: 'consultation',
      categoryId: t.ids.categories.get('0201')!,
      callerPhone: FIRM_PHONE,
      title: '咨询补贴',
      content: '想咨询一下创业补贴的条件。',
    });
    await applyEvent(t.services, { appealId: draft.id, type: 'SUBMIT', actor: t.as('operator') });
    const other = t.ids.departments.get('F02')!;
    await expect(
      applyEvent(t.services, {
        appealId: draft.id,
        type: 'DISPATCH',
        payload: { departmentId: other },
        actor: t.as('operator'),
      }),
    ).rejects.toBeInstanceOf(Forbidden);
    const noPolicy = applyEvent(t.services, {
      appealId: draft.id,
      type: 'HAND_TO_POLICY_LEAD',
      payload: { reason: 'consultation', leadDepartmentId: other },
      actor: t.as('operator'),
    });
    await expect(noPolicy).rejects.toBeInstanceOf(InvalidInput);
    // A department sent from the browser is overridden by the policy's own.
    await applyEvent(t.services, {
      appealId: draft.id,
      type: 'HAND_TO_POLICY_LEAD',
      payload: { policyId: p.id, reason: 'consultation', leadDepartmentId: other, dueAt: '2099-01-01T00:00:00Z' },
      actor: t.as('operator'),
    });
    const a = await appealRow(draft.id);
    expect(a.lead_department_id).toBe(p.lead);
    expect(new Date(a.due_at).getFullYear()).toBeLessThan(2099);
    // Once handed over it is the department's: a second handover is not now.
    await expect(
      applyEvent(t.services, {
        appealId: draft.id,
        type: 'HAND_TO_POLICY_LEAD',
        payload: { policyId: p.id, reason: 'consultation' },
        actor: t.as('operator'),
      }),
    ).rejects.toBeInstanceOf(Conflict);
  });

  it('writes appeal_policy in the step’s transaction: a step that fails leaves neither the move nor the link', async () => {
    const p = await policy(STARTUP);
    const draft = await createDraft(t.services, t.as('operator'), {
      type: 'consultation',
      categoryId: t.ids.categories.get('0201')!,
      callerPhone: FIRM_PHONE,
      title: '咨询创业补贴',
      content: '想咨询一下创业补贴的条件。',
    });
    await applyEvent(t.services, { appealId: draft.id, type: 'SUBMIT', actor: t.as('operator') });
    const before = await t.sql<{ version: number }>('select version from appeal where id = ?', [draft.id]);
    // The timers of the new deadline are written in the same transaction; when they fail, so does everything.
    const failing = {
      ...t.services,
      timers: {
        ...t.services.timers,
        schedule: async () => {
          throw new Error('job queue unavailable');
        },
      },
    };
    await expect(
      applyEvent(failing, {
        appealId: draft.id,
        type: 'HAND_TO_POLICY_LEAD',
        payload: { policyId: p.id, reason: 'consultation' },
        actor: t.as('operator'),
      }),
    ).rejects.toThrow('job queue unavailable');
    expect(await linkOf(draft.id)).toEqual([]);
    expect(await t.sql('select version, phase from appeal where id = ?', [draft.id])).toEqual([
      { version: before[0].version, phase: 'triage' },
    ]);
    expect(await count('assignment where appeal_id = ?', [draft.id])).toBe(0);
    // A consultation is handed over as a consultation: a complaint on the form is refused by the step.
    await expect(
      applyEvent(t.services, {
        appealId: draft.id,
        type: 'HAND_TO_POLICY_LEAD',
        payload: { policyId: p.id, reason: 'complaint', complaintKind: 'refused' },
        actor: t.as('operator'),
      }),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(await linkOf(draft.id)).toEqual([]);
  });

  it('takes a consultation limit the city set for itself', async () => {
    await t.sql(
      `insert into app_setting (key, value, updated_at) values (?, ?::jsonb, now())
       on conflict (key) do update set value = excluded.value`,
      [
        HANDOVER_LIMITS_SETTING,
        JSON.stringify({
          consultation: { accept: { amount: 1, unit: 'clockHours' }, handling: { amount: 4, unit: 'clockHours' } },
          complaint: null,
        }),
      ],
    );
    try {
      const p = await policy(STARTUP);
      const r = await recordIntake(
        t.services,
        t.as('operator'),
        form({ handoverPolicyId: String(p.id), handoverReason: 'consultation', title: '创业补贴的条件' }),
      );
      const a = await appealRow(r.appealId);
      const hours = (new Date(a.due_at).getTime() - new Date(a.submitted_at).getTime()) / 3600_000;
      expect(hours).toBeCloseTo(4, 1);
      expect((new Date(a.accept_due_at).getTime() - new Date(a.submitted_at).getTime()) / 3600_000).toBeCloseTo(1, 1);
    } finally {
      await t.sql('delete from app_setting where key = ?', [HANDOVER_LIMITS_SETTING]);
    }
  });
});
