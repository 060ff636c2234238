// Simplified Chinese labels for the policy catalogue (政策库): phases, steps, levels and domains.
// Every value is a key for t(); the English is in app/i18n/en/policies.ts.

export const POLICY_PHASE_LABELS: Record<string, string> = {
  draft: '草稿',
  published: '已发布',
  revising: '修订中',
  retired: '已废止',
};

export const POLICY_STEP_LABELS: Record<string, string> = {
  CREATE: '新建',
  EDIT: '修改',
  PUBLISH: '发布',
  REVISE: '修订',
  RETIRE: '废止',
};

export const POLICY_LEVEL_LABELS: Record<string, string> = {
  national: '国家级',
  provincial: '省级',
  city: '市级',
  district: '区级',
};

export const POLICY_DOMAIN_LABELS: Record<string, string> = {
  people: '惠民',
  enterprise: '惠企',
  talent: '惠人才',
  investment: '惠招商',
  finance: '惠金融',
};

/** What the edit history calls each field that changed. */
export const POLICY_FIELD_LABELS: Record<string, string> = {
  title: '标题',
  level: '政策层级',
  domain: '政策领域',
  documentNumber: '发文字号',
  leadDepartmentId: '牵头单位',
  cooperatingDepartmentIds: '配合单位',
  liaisons: '政策联络员',
  chiefRepresentativeId: '首席代表',
  withoutApplication: '免申即享',
  eligibility: '享受条件',
  rule: '资格规则',
  benefit: '享受内容',
  validFrom: '生效日期',
  validTo: '失效日期',
  keywords: '关键词',
  items: '政策条款',
};
