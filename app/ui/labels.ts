// Simplified Chinese labels for the domain's codes.
export const ROLE_LABELS: Record<string, string> = {
  operator: '话务员',
  dispatcher: '派单员',
  handler: '承办单位',
  gridWorker: '网格员',
  mediator: '转介机构人员',
  reviewer: '审核回访',
  supervisor: '值班长',
  admin: '管理员',
  citizen: '市民（网站）',
  client: '城市系统（接口）',
  system: '系统',
};

export const PHASE_LABELS: Record<string, string> = {
  draft: '草稿',
  triage: '待派单',
  dispatched: '待签收',
  returnRequested: '退单待审',
  'handling.working': '办理中',
  'handling.extensionPending': '延期待批',
  referred: '已转介',
  replied: '已当场答复',
  review: '待审核',
  verification: '待核查',
  'callback.calling': '待回访',
  'callback.dissatisfied': '不满意待定',
  closed: '已办结',
  merged: '已合并',
  void: '已作废',
};

export const SLA_LABELS: Record<string, string> = { onTime: '正常', warned: '临期', overdue: '超期' };

export const TYPE_LABELS: Record<string, string> = {
  consultation: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '建议',
  praise: '表扬',
};

export const URGENCY_LABELS: Record<string, string> = { emergency: '特急', urgent: '紧急', normal: '一般' };

export const EVENT_LABELS: Record<string, string> = {
  CREATE: '登记',
  SUBMIT: '提交',
  DISCARD: '作废',
  EDIT_DRAFT: '修改草稿',
  DISPATCH: '派单',
  HAND_TO_POLICY_LEAD: '转政策牵头单位',
  ASSIGN_GRID: '派至网格',
  RESOLVE_ON_SPOT: '当场答复',
  MERGE_INTO: '合并',
  REFER: '转介',
  RECLASSIFY: '更正分类',
  ACCEPT: '签收',
  RETURN: '申请退单',
  SUB_DISPATCH: '二级派单',
  ASSIST_ACCEPT: '协办签收',
  ASSIST_OPINION: '提交协办意见',
  APPROVE_RETURN: '同意退单',
  REJECT_RETURN: '驳回退单',
  NOTE: '办理记录',
  FIELD_UPDATE: '现场反馈',
  REQUEST_EXTENSION: '申请延期',
  APPROVE_EXTENSION: '批准延期',
  REJECT_EXTENSION: '驳回延期',
  REPLY: '办理答复',
  REFERRAL_DONE: '转介办结',
  REFER_ON: '转介移交',
  APPROVE_REPLY: '审核通过',
  REJECT_REPLY: '退回重办',
  VERIFY_APPROVE: '核查通过',
  VERIFY_REJECT: '核查退回',
  SELF_HANDLE: '自行处置',
  FEEDBACK: '回访评价',
  WITHDRAW: '市民撤回',
  SUPPLEMENT: '市民补充',
  UNREACHABLE: '回访未接通',
  REDO: '重办',
  SUPERVISOR_CLOSE: '值班长办结',
  REOPEN: '重启',
  SUPERVISE: '督办',
  MARK_UNREASONABLE: '不合理诉求认定',
  ESCALATE: '升级',
  WARN: '临期预警',
  OVERDUE: '超期',
  CALLBACK_DUE: '回访超时',
};

export const REFERRAL_KIND_LABELS: Record<string, string> = {
  mediation: '人民调解',
  legalAid: '法律援助',
  arbitration: '劳动仲裁',
  counselling: '心理服务',
};
export const REFERRAL_OUTCOME_LABELS: Record<string, string> = {
  resolved: '已化解',
  unresolved: '未化解',
  refused: '不予受理',
  referredOn: '已移交',
};

/** Phase labels for the chart, including the parent states of nested phases. */
export const CHART_LABELS: Record<string, string> = {
  ...PHASE_LABELS,
  handling: '办理',
  callback: '回访',
  'handling.working': '办理中',
  'callback.calling': '待回访',
};

export const CALL_DIRECTION_LABELS: Record<string, string> = { inbound: '来电', outbound: '去电' };
export const CALL_DISPOSITION_LABELS: Record<string, string> = {
  answered: '已接听',
  transferred: '已转接',
  missed: '未接来电',
  abandoned: '振铃中挂断',
  failed: '未接通',
  rejected: '已拒接',
};

export const SECURITY_EVENT_LABELS: Record<string, string> = {
  signIn: '登录成功',
  signInFailed: '登录失败',
  lockout: '账号锁定',
  unlock: '解除锁定',
  signOut: '退出登录',
  sessionExpired: '会话超时',
  mfaEnrolled: '启用两步验证',
  mfaReset: '重置两步验证',
  mfaFailed: '两步验证失败',
  recoveryCodeUsed: '使用恢复码',
  roleChanged: '角色变更',
  userChanged: '账号变更',
  settingChanged: '设置变更',
  export: '导出',
  reveal: '查看完整号码',
  blockedNumberRefused: '拦截名单号码',
  apiClientChanged: '接口客户端变更',
};

/** Why a sign-in failed, as the audit records it. */
export const SIGN_IN_FAILURE_LABELS: Record<string, string> = {
  badPassword: '密码错误',
  unknownUser: '用户名不存在',
  inactive: '账号已停用',
  locked: '账号已锁定',
  throttled: '尝试过于频繁',
};

/** The fields of a security event's detail, and the codes they hold. */
export const SECURITY_DETAIL_LABELS: Record<string, string> = {
  failures: '失败次数',
  windowMinutes: '统计时长（分钟）',
  lockMinutes: '锁定时长（分钟）',
  what: '内容',
  format: '格式',
  query: '条件',
  day: '日期',
  appealId: '诉求 ID',
  field: '字段',
  change: '变更',
  displayName: '显示名称',
  role: '角色',
  departmentId: '部门 ID',
  gridIds: '网格 ID',
  active: '启用',
  lastSeenAt: '最后活动',
  setting: '设置',
  firmId: '企业 ID',
  creditCode: '统一社会信用代码',
  name: '名称',
  industry: '行业',
  size: '规模',
  foundedOn: '成立日期',
  district: '所在区',
  creditRating: '信用等级',
  blacklisted: '黑名单',
  blacklistReason: '列入原因',
  blacklistedSince: '列入日期',
  contacts: '联系电话',
};

export const SECURITY_DETAIL_VALUE_LABELS: Record<string, string> = {
  report: '统计报表',
  dailyReport: '日报',
  grids: '网格',
  created: '新建账号',
  passwordReset: '重置密码',
  callerPhone: '来电号码',
  idNumber: '证件号码',
  idle: '长时间未操作',
  firm: '企业库',
  registered: '登记企业',
  blacklisted: '列入黑名单',
  unblacklisted: '移出黑名单',
  updated: '修改',
};

/** 企业规模 as the 划型 standard names them. */
export const FIRM_SIZE_LABELS: Record<string, string> = { micro: '微型', small: '小型', medium: '中型', large: '大型' };

/** What an admin did to a firm's record, as its history lists it. */
export const FIRM_CHANGE_LABELS: Record<string, string> = {
  registered: '登记企业',
  updated: '修改企业信息',
  blacklisted: '列入黑名单',
  unblacklisted: '移出黑名单',
};

/** Why the eligibility gate kept a subject out, and the outcomes of a rule test. */
export const ELIGIBILITY_LABELS: Record<string, string> = {
  matched: '符合',
  notMatched: '不符合',
  error: '规则有误',
  person: '个人',
  firm: '企业',
  male: '男',
  female: '女',
};

/** Why an appeal went to a policy's lead department: 转首席代表 (a consultation) or 政策异议 (a complaint). */
export const POLICY_HANDOVER_LABELS: Record<string, string> = { consultation: '政策咨询', complaint: '政策异议' };

/** What a complaint about a policy says went wrong (异议类型). */
export const POLICY_COMPLAINT_KIND_LABELS: Record<string, string> = {
  notReceived: '未收到',
  wrongAmount: '金额不符',
  refused: '被拒绝',
  favouritism: '优亲厚友（挑熟人给政策）',
  other: '其他',
};

/** What an interface client may be granted. */
export const API_OPERATION_LABELS: Record<string, string> = {
  'open311:read': 'Open311 查询',
  'open311:write': 'Open311 提交诉求',
  'events:write': '推送事件',
  'webhooks:subscribe': '订阅本系统提交诉求的状态',
  'webhooks:all': '订阅全部诉求的状态',
};

/** How an interface call ended, as the call log records it. */
export const API_OUTCOME_LABELS: Record<string, string> = {
  ok: '成功',
  'missing-key': '缺少密钥',
  'unknown-key': '密钥无效',
  revoked: '已停用',
  address: '地址不允许',
  operation: '无此权限',
  rate: '超过频率',
  invalid: '请求无效',
};
