// Simplified Chinese labels for referral cases (转介案件): kinds, phases and events per kind, legal clocks.
// Every value is a key for t(); the English is in app/i18n/en/referrals.ts.

export const REFERRAL_PHASE_LABELS: Record<string, Record<string, string>> = {
  mediation: {
    referred: '待受理',
    inProgress: '调解中',
    agreed: '已达成协议',
    confirmationRequested: '司法确认中',
    refused: '不予受理',
    failed: '调解不成',
    concluded: '已结案',
    confirmed: '已司法确认',
    confirmationRejected: '确认被驳回',
  },
  legalAid: { applied: '待受理', reviewing: '审查中', granted: '已指派律师', refused: '不予援助', concluded: '已结案' },
  arbitration: {
    applied: '待受理',
    accepted: '已受理',
    heard: '已开庭',
    refused: '不予受理',
    withdrawn: '已撤回',
    awarded: '已裁决',
  },
  counselling: { referred: '待受理', inSessions: '咨询中', refused: '不予受理', concluded: '已结案' },
};

const COMMON_EVENT_LABELS: Record<string, string> = {
  REFER: '转介',
  REFER_ON: '转介移交',
  ACCEPT: '受理',
  REFUSE: '不予受理',
  NOTE: '备注',
  CONCLUDE: '结案',
  CLOCK_WARN: '期限预警',
  CLOCK_OVERDUE: '期限届满',
};

const KIND_EVENT_LABELS: Record<string, Record<string, string>> = {
  mediation: {
    ADD_PARTY: '添加当事人',
    SCHEDULE_SESSION: '安排调解',
    RECORD_SESSION: '记录调解',
    REACH_AGREEMENT: '达成协议',
    FAIL: '调解不成',
    REQUEST_CONFIRMATION: '申请司法确认',
    CONFIRM: '司法确认通过',
    REJECT_CONFIRMATION: '司法确认驳回',
  },
  legalAid: { REFUSE: '不予援助', GRANT: '给予援助并指派律师' },
  arbitration: {
    SET_PARTIES: '登记当事人',
    SCHEDULE_HEARING: '安排开庭',
    RECORD_HEARING: '记录开庭',
    REQUEST_EXTENSION: '申请延期',
    APPROVE_EXTENSION: '批准延期',
    REJECT_EXTENSION: '不批准延期',
    AWARD: '作出裁决',
    WITHDRAW: '撤回申请',
  },
  counselling: { SCHEDULE_SESSION: '安排咨询', RECORD_SESSION: '记录咨询' },
};

/** The Chinese label of an event of a kind; falls back to the type itself. */
export function referralEventLabel(kind: string, type: string): string {
  return KIND_EVENT_LABELS[kind]?.[type] ?? COMMON_EVENT_LABELS[type] ?? type;
}

export function referralPhaseLabel(kind: string, phase: string): string {
  return REFERRAL_PHASE_LABELS[kind]?.[phase] ?? phase;
}

export const REFERRAL_CLOCK_LABELS: Record<string, string> = {
  accept: '受理期限',
  mediation: '调解期限',
  confirmationWindow: '司法确认申请期限',
  courtDecision: '法院审查期限',
  decision: '审查决定期限',
  acceptance: '受理期限',
  award: '裁决期限',
};

/** A legal clock's own state. */
export const LEGAL_CLOCK_STATE_LABELS: Record<string, string> = {
  running: '计时中',
  warned: '临期',
  overdue: '已超期',
  stopped: '已停止',
};

/** The queue column: the worst state of a case's open clocks. */
export const REFERRAL_CLOCK_STATE_LABELS: Record<string, string> = {
  onTime: '正常',
  warned: '临期',
  overdue: '超期',
  none: '无期限',
};

export const PARTY_SIDE_NAMES: Record<string, string> = {
  applicant: '申请人',
  respondent: '被申请人',
  thirdParty: '第三人',
};

export const NEXT_ROUTE_LABELS: Record<string, string> = {
  arbitration: '劳动仲裁',
  litigation: '诉讼',
  legalAid: '法律援助',
};

export const EXTENSION_STATE_LABELS: Record<string, string> = {
  pending: '待批准',
  approved: '已批准',
  rejected: '未批准',
};

/** What the sessions of a kind are called on the case page. */
export const SESSION_TITLES: Record<string, string> = {
  mediation: '调解记录',
  arbitration: '听证记录',
  counselling: '咨询记录',
};

/** Document kinds of a case (the server's REFERRAL_DOCUMENT_KINDS), in the order the upload form offers them. */
export const REFERRAL_DOCUMENT_KIND_NAMES: Record<string, string> = {
  evidence: '证据材料',
  identity: '身份证明',
  agreement: '调解协议',
  ruling: '裁定文书',
  other: '其他',
};
