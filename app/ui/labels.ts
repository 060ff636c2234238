// Simplified Chinese labels for the domain's codes.
export const ROLE_LABELS: Record<string, string> = {
  operator: '话务员', dispatcher: '派单员', handler: '承办单位', gridWorker: '网格员', mediator: '调解员',
  reviewer: '审核回访', supervisor: '值班长', admin: '管理员', system: '系统',
};

export const PHASE_LABELS: Record<string, string> = {
  draft: '草稿', triage: '待派单', dispatched: '待签收', returnRequested: '退单待审', 'handling.working': '办理中',
  'handling.extensionPending': '延期待批', referred: '已转介', replied: '已当场答复', review: '待审核',
  'callback.calling': '待回访', 'callback.dissatisfied': '不满意待定', closed: '已办结', merged: '已合并', void: '已作废',
};

export const SLA_LABELS: Record<string, string> = { onTime: '正常', warned: '临期', overdue: '超期' };

export const TYPE_LABELS: Record<string, string> = {
  consultation: '咨询', help: '求助', complaint: '投诉', report: '举报', suggestion: '建议', praise: '表扬',
};

export const URGENCY_LABELS: Record<string, string> = { emergency: '特急', urgent: '紧急', normal: '一般' };
