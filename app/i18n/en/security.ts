import { SECURITY_EVENT_LABELS, SIGN_IN_FAILURE_LABELS } from '../../ui/labels';

const pairs = <T extends Record<string, string>>(zh: T, enByCode: Record<keyof T, string>) =>
  Object.fromEntries(Object.entries(zh).map(([code, text]) => [text, enByCode[code as keyof T]]));

// English for sign-in refusals, account locks and the security audit page (Chinese text → English).
export const security: Record<string, string> = {
  ...pairs(SECURITY_EVENT_LABELS, {
    signIn: 'Signed in',
    signInFailed: 'Sign-in failed',
    lockout: 'Account locked',
    unlock: 'Account unlocked',
    signOut: 'Signed out',
    sessionExpired: 'Session timed out',
    mfaEnrolled: 'Two-step verification enabled',
    mfaReset: 'Two-step verification reset',
    mfaFailed: 'Two-step verification failed',
    recoveryCodeUsed: 'Recovery code used',
    roleChanged: 'Role changed',
    userChanged: 'Account changed',
    settingChanged: 'Setting changed',
    export: 'Export',
    reveal: 'Full number shown',
  }),
  ...pairs(SIGN_IN_FAILURE_LABELS, {
    badPassword: 'Wrong password',
    unknownUser: 'Unknown user name',
    inactive: 'Account deactivated',
    locked: 'Account locked',
    throttled: 'Too many attempts',
  }),
  // Sign-in
  '登录尝试过于频繁，请稍后再试': 'Too many sign-in attempts. Please try again later',
  '账号已锁定：连续登录失败次数过多。请稍后再试，或联系管理员解锁':
    'Account locked: too many failed sign-ins. Try again later or ask an administrator to unlock it',
  '账号已锁定：连续登录失败次数过多。请联系管理员解锁':
    'Account locked: too many failed sign-ins. Ask an administrator to unlock it',
  // The users page
  已锁定: 'Locked',
  解锁: 'Unlock',
  '解锁 {{name}}': 'Unlock {{name}}',
  // The audit page
  安全审计: 'Security audit',
  '安全审计 · 12345 热线': 'Security audit · 12345 hotline',
  只有管理员可以查看安全审计: 'Only an administrator may read the security audit',
  '登录、锁定、账号与权限变更、导出和查看完整号码的记录，只可查看，不可修改。':
    'Sign-ins, locks, account and permission changes, exports and full-number views: read only, never edited.',
  筛选: 'Filter',
  类型: 'Kind',
  全部类型: 'All kinds',
  用户: 'User',
  来源地址: 'Source address',
  开始日期: 'From',
  结束日期: 'To',
  查询: 'Search',
  清除筛选: 'Clear filters',
  时间: 'Time',
  操作人: 'Actor',
  对象账号: 'Account',
  详情: 'Details',
  没有符合条件的记录: 'No matching records',
  上一页: 'Previous page',
  下一页: 'Next page',
  '第 {{n}} 页': 'Page {{n}}',
  '输入的用户名：{{name}}': 'Name typed: {{name}}',
};
