// Simplified Chinese labels for the evaluation's drill-down: the figure a list stands behind, callback outcomes and
// satisfaction levels. Every value is a key for t(); the English is in app/i18n/en/policy-evaluation.ts.

export const DRILL_FIGURE_LABELS: Record<string, string> = {
  beneficiaries: '落实记录',
  reports: '上报文件',
  consultations: '咨询诉求',
  complaints: '投诉诉求',
  complaintsOnTime: '按期办结的投诉',
  sample: '抽样回访',
  reached: '接通的回访',
  receiptConfirmed: '确认到账的回访',
  amountConfirmed: '确认金额无误的回访',
  satisfied: '满意的回访',
};

export const CALLBACK_OUTCOME_LABELS: Record<string, string> = {
  confirmed: '已确认',
  problem: '反映问题',
  unreachable: '无法联系',
  cancelled: '已取消',
};

export const SATISFACTION_LABELS: Record<string, string> = {
  satisfied: '满意',
  basicallySatisfied: '基本满意',
  dissatisfied: '不满意',
};

export const APPEAL_REASON_LABELS: Record<string, string> = {
  consultation: '咨询',
  complaint: '投诉',
};
