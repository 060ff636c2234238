import { describe, expect, it } from 'vitest';
import { updateSmsTemplate } from '../../app/admin/sms-templates.server';
import { actionOptions } from '../../app/appeals/actions.server';
import { appealDetail } from '../../app/appeals/detail.server';
import { applyEvent } from '../../app/appeals/service.server';
import { appealSms } from '../../app/appeals/sms-log.server';
import { SMS_TEMPLATE_RULES, renderSmsTemplate } from '../../app/appeals/sms-templates.server';
import { recordDeliveryReport } from '../../app/jobs/sms-delivery.server';
import { PermanentSmsFailure, sendPendingSms } from '../../app/jobs/sms.server';
import { MAX_CALLBACK_ATTEMPTS } from '../../machines/appeal';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { submitAppeal } from '../support/appeals';

describe.each(DB_KINDS)('review, callback and SMS on %s', (kind) => {
  const t = useTestServices(kind);
  const step = (appealId: number, type: string, user: string, payload: Record<string, unknown> = {}) =>
    applyEvent(t.services, { appealId, type, payload, actor: t.as(user) });

  async function replied() {
    const a = await submitAppeal(t.services, t.ids);
    await step(a.id, 'DISPATCH', 'dispatcher', { departmentId: t.ids.departments.get('F02') });
    await step(a.id, 'ACCEPT', 'handler');
    return a;
  }

  it('shows the reply under review with its author, unit and the files of this round only', async () => {
    const a = await replied();
    const handler = t.as('handler');
    const attach = (name: string) =>
      t.sql(
        `insert into attachment (appeal_id, file_name, content_type, size, sha256, storage_path, uploaded_by_id, created_at, updated_at)
         values (?, ?, 'image/png', 2048, ?, 'x', ?, now(), now())`,
        [a.id, name, 'a'.repeat(64), handler.userId],
      );
    await attach('first-round.png');
    await step(a.id, 'REPLY', 'handler', { result: '第一次答复', resolved: false });
    await step(a.id, 'REJECT_REPLY', 'reviewer', { reason: '没有现场照片', redoTo: 'sameUnit' });
    await attach('after.png');
    await step(a.id, 'REPLY', 'handler', { result: '已清运并消杀，附现场照片。', resolved: true });

    const o = await actionOptions(t.em(), t.as('reviewer'), a.id);
    expect(o.types).toEqual(expect.arrayContaining(['APPROVE_REPLY', 'REJECT_REPLY']));
    expect(o.underReview).toMatchObject({
      type: 'REPLY',
      text: '已清运并消杀，附现场照片。',
      resolved: true,
      unit: '市城市管理局',
    });
    expect(o.underReview!.by).toBeTruthy();
    expect(o.underReview!.attachments.map((f) => f.fileName)).toEqual(['after.png']);
    expect(o.redoTargets).toEqual({ REJECT_REPLY: ['sameUnit', 'triage'] });
    // The handler decides nothing here, so he gets no review box.
    expect((await actionOptions(t.em(), handler, a.id)).underReview).toBeNull();
  });

  it('sends a redo back to triage when the reviewer says so: the unit order ends, no redo is counted', async () => {
    const a = await replied();
    await step(a.id, 'REPLY', 'handler', { result: '不属于本单位职责', resolved: false });
    const r = await step(a.id, 'REJECT_REPLY', 'reviewer', { reason: '请重新派给属地街道', redoTo: 'triage' });
    expect(r.phase).toBe('triage');
    const [row] = await t.sql<{ lead_department_id: number | null; redo: number; active: number }>(
      `select lead_department_id, (snapshot->'context'->>'redoCount')::int as redo,
              (select count(*)::int from assignment s where s.appeal_id = a.id and s.status = 'active') as active
         from appeal a where id = ?`,
      [a.id],
    );
    expect(row).toEqual({ lead_department_id: null, redo: 0, active: 0 });
    const [audit] = await t.sql<{ payload: { redoTo: string } }>(
      `select payload from appeal_event where appeal_id = ? and type = 'REJECT_REPLY'`,
      [a.id],
    );
    expect(audit.payload.redoTo).toBe('triage');
    // A target outside the two is refused and changes nothing.
    const b = await replied();
    await step(b.id, 'REPLY', 'handler', { result: 'x', resolved: true });
    await expect(step(b.id, 'REJECT_REPLY', 'reviewer', { reason: 'r', redoTo: 'elsewhere' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('puts the rating, the resolved answer and the attempt number into the callback rows of the timeline', async () => {
    const a = await replied();
    await step(a.id, 'REPLY', 'handler', { result: '已清运', resolved: true });
    await step(a.id, 'APPROVE_REPLY', 'reviewer');
    // A phone appeal's citizen is told of the answer and called back, not asked to rate on the site.
    expect((await appealSms(t.em(), a.id, true)).map((m) => m.template)).toEqual(['received', 'replied']);
    await step(a.id, 'UNREACHABLE', 'reviewer');
    await step(a.id, 'UNREACHABLE', 'reviewer', { note: '关机' });
    await step(a.id, 'FEEDBACK', 'reviewer', {
      satisfaction: 'basicallySatisfied',
      resolved: false,
      comment: '清了一半',
    });
    const d = await appealDetail(t.em(), t.as('reviewer'), a.id);
    const rows = d.timeline.filter((e) => e.type === 'UNREACHABLE' || e.type === 'FEEDBACK');
    expect(rows.map((e) => e.attempt ?? e.feedback)).toEqual([
      { n: 1, max: MAX_CALLBACK_ATTEMPTS },
      { n: 2, max: MAX_CALLBACK_ATTEMPTS },
      { satisfaction: 'basicallySatisfied', resolved: false },
    ]);
    expect(rows[2].text).toBe('清了一半');
  });

  it('queues SMS in the current template text, lists them on the appeal with status, and audits template changes', async () => {
    const first = await submitAppeal(t.services, t.ids);
    const [queued] = await appealSms(t.em(), first.id, true);
    expect(queued).toMatchObject({ template: 'received', templateName: '受理通知', status: 'pending', sentAt: null });
    expect(queued.phone).toBe('138****1234');
    expect(queued.body).toContain(first.number);
    expect(queued.body).toBe(
      renderSmsTemplate('received', SMS_TEMPLATE_RULES.received.body, {
        appealNo: first.number,
        dueAt: queued.body.match(/办理时限 (.+)。$/)![1],
      }),
    );

    const admin = t.as('admin');
    const body = '【12345】已收到您的诉求（编号 {appealNo}），我们将在 {dueAt} 前答复。';
    expect(await updateSmsTemplate(t.em(), admin, { code: 'received', body })).toEqual({ changed: true });
    const [event] = await t.sql<{ kind: string; detail: { code: string; from: string; to: string } }>(
      `select kind, detail from security_event where detail->>'setting' = 'smsTemplate' order by id desc limit 1`,
    );
    expect(event).toEqual({
      kind: 'settingChanged',
      detail: { setting: 'smsTemplate', code: 'received', from: SMS_TEMPLATE_RULES.received.body, to: body },
    });

    const second = await submitAppeal(t.services, t.ids);
    const [msg] = await appealSms(t.em(), second.id, false);
    expect(msg.body).toMatch(new RegExp(`^【12345】已收到您的诉求（编号 ${second.number}），我们将在 .+ 前答复。$`));
    expect(msg.phone).toBeNull();
    // The first message keeps the text it was queued with.
    expect((await appealSms(t.em(), first.id, true))[0].body).toBe(queued.body);

    // Delivered by the job: sent with its time; a failing gateway marks it failed.
    await sendPendingSms(t.db, { send: async (m) => ({ providerMessageId: `carrier-${m.id}` }) });
    const [sent] = await appealSms(t.em(), second.id, true);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, deliveredAt: null });
    expect(sent.sentAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // The carrier's report: the appeal page says it reached the phone.
    await recordDeliveryReport(
      t.em(),
      'Bearer report-secret-0123456789',
      { messageId: `carrier-${sent.id}`, status: 'delivered' },
      { secret: 'report-secret-0123456789' },
    );
    const [delivered] = await appealSms(t.em(), second.id, true);
    expect(delivered.status).toBe('delivered');
    expect(delivered.deliveredAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    const third = await submitAppeal(t.services, t.ids);
    await sendPendingSms(t.db, {
      send: async () => {
        throw new PermanentSmsFailure('号码无效');
      },
    });
    expect((await appealSms(t.em(), third.id, true))[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: '号码无效',
    });
    const detail = await appealDetail(t.em(), t.as('reviewer'), third.id);
    expect(detail.sms.map((m) => m.status)).toEqual(['failed']);
    expect(detail.sms[0].phone).toBe('138****1234');
  });

  it('refuses a template without the appeal number, with an unknown placeholder, or from a non-admin', async () => {
    const admin = t.as('admin');
    const before = await t.sql(`select body from sms_template where code = 'replied'`);
    await expect(updateSmsTemplate(t.em(), admin, { code: 'replied', body: '您的诉求已答复。' })).rejects.toMatchObject(
      {
        status: 400,
        fieldErrors: { body: ['短信内容必须包含诉求编号 {appealNo}'] },
      },
    );
    await expect(
      updateSmsTemplate(t.em(), admin, { code: 'replied', body: '诉求 {appealNo} 由 {name} 办理' }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      updateSmsTemplate(t.em(), admin, { code: 'nonexistent', body: '诉求 {appealNo}' }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      updateSmsTemplate(t.em(), t.as('supervisor'), { code: 'replied', body: '诉求 {appealNo} 已答复' }),
    ).rejects.toMatchObject({ status: 403 });
    expect(await t.sql(`select body from sms_template where code = 'replied'`)).toEqual(before);
  });
});
