// Simplified Chinese labels for beneficiary callbacks (回访核实): outcomes, failed attempts, satisfaction. Every value
// is a key for t(); the English is in app/i18n/en/beneficiary-callbacks.ts.

export const CALLBACK_OUTCOME_LABELS: Record<string, string> = {
  confirmed: '核实无误',
  problem: '发现问题',
  unreachable: '无法联系',
  cancelled: '已取消',
};

export const ATTEMPT_FAILURE_LABELS: Record<string, string> = {
  noAnswer: '无人接听',
  busy: '占线',
  switchedOff: '关机或停机',
};

export const CALLBACK_SATISFACTION_LABELS: Record<string, string> = {
  satisfied: '满意',
  basicallySatisfied: '基本满意',
  dissatisfied: '不满意',
};
