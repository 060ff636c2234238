// Simplified Chinese labels for the implementation records (政策落实记录): report states, beneficiary kinds, ways
// of payment, period kinds. Every value is a key for t(); the English is in app/i18n/en/policy-records.ts.

export const REPORT_STATUS_LABELS: Record<string, string> = {
  onTime: '按时上报',
  late: '逾期上报',
  pending: '待上报',
  overdue: '逾期未报',
};

export const BENEFICIARY_KIND_LABELS: Record<string, string> = {
  person: '个人',
  firm: '企业',
};

export const PAYMENT_WAY_LABELS: Record<string, string> = {
  withoutApplication: '免申即享',
  onApplication: '依申请',
};

export const PERIOD_KIND_LABELS: Record<string, string> = {
  month: '月度',
  quarter: '季度',
};
