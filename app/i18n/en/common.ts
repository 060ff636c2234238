import { ROLE_LABELS, PHASE_LABELS, SLA_LABELS, TYPE_LABELS, URGENCY_LABELS, EVENT_LABELS, REFERRAL_KIND_LABELS, REFERRAL_OUTCOME_LABELS } from '../../ui/labels';

const pairs = <T extends Record<string, string>>(zh: T, enByCode: Record<keyof T, string>) =>
  Object.fromEntries(Object.entries(zh).map(([code, text]) => [text, enByCode[code as keyof T]]));

// Domain labels: translated by code, so the two languages can never drift apart.
export const common: Record<string, string> = {
  ...pairs(ROLE_LABELS, {
    operator: 'Operator', dispatcher: 'Dispatcher', handler: 'Department', gridWorker: 'Grid worker', mediator: 'Referral agency staff',
    reviewer: 'Reviewer', supervisor: 'Supervisor', admin: 'Administrator', system: 'System',
  }),
  ...pairs(PHASE_LABELS, {
    draft: 'Draft', triage: 'Awaiting dispatch', dispatched: 'Awaiting acceptance', returnRequested: 'Return requested',
    'handling.working': 'In hand', 'handling.extensionPending': 'Extension requested', referred: 'Referred', replied: 'Answered on the spot',
    review: 'Awaiting review', 'callback.calling': 'Awaiting callback', 'callback.dissatisfied': 'Dissatisfied', closed: 'Closed', merged: 'Merged', void: 'Void',
  }),
  ...pairs(SLA_LABELS, { onTime: 'On time', warned: 'Due soon', overdue: 'Overdue' }),
  ...pairs(TYPE_LABELS, { consultation: 'Consultation', help: 'Help', complaint: 'Complaint', report: 'Report', suggestion: 'Suggestion', praise: 'Praise' }),
  ...pairs(URGENCY_LABELS, { emergency: 'Emergency', urgent: 'Urgent', normal: 'Normal' }),
  ...pairs(EVENT_LABELS, {
    CREATE: 'Recorded', SUBMIT: 'Submit', DISCARD: 'Discard', DISPATCH: 'Dispatch', ASSIGN_GRID: 'Assign to grid', RESOLVE_ON_SPOT: 'Answer on the spot',
    MERGE_INTO: 'Merge', REFER: 'Refer', ACCEPT: 'Accept', RETURN: 'Ask to return', SUB_DISPATCH: 'Sub-dispatch', APPROVE_RETURN: 'Approve return',
    REJECT_RETURN: 'Reject return', NOTE: 'Progress note', FIELD_UPDATE: 'Field update', REQUEST_EXTENSION: 'Request extension',
    APPROVE_EXTENSION: 'Approve extension', REJECT_EXTENSION: 'Reject extension', REPLY: 'Reply', REFERRAL_DONE: 'Referral done', REFER_ON: 'Referred on',
    APPROVE_REPLY: 'Approve reply', REJECT_REPLY: 'Send back for redo', FEEDBACK: 'Callback feedback', UNREACHABLE: 'Callback unreachable',
    REDO: 'Redo', SUPERVISOR_CLOSE: 'Close by supervisor', REOPEN: 'Reopen', SUPERVISE: 'Supervise', MARK_UNREASONABLE: 'Unreasonable demand', ESCALATE: 'Escalate',
    WARN: 'Deadline warning', OVERDUE: 'Overdue', CALLBACK_DUE: 'Callback overdue',
  }),
  ...pairs(REFERRAL_KIND_LABELS, { mediation: 'People\'s mediation', legalAid: 'Legal aid', arbitration: 'Labour arbitration', counselling: 'Counselling' }),
  ...pairs(REFERRAL_OUTCOME_LABELS, { resolved: 'Settled', unresolved: 'Not settled', refused: 'Not accepted', referredOn: 'Handed on' }),
  办理: 'Handling', 回访: 'Callback', 办理中: 'In hand', 待回访: 'Awaiting callback',
  // Frame, sign-in, home
  '12345 政务服务便民热线 · 诉求闭环管理': '12345 Government Hotline · Closed-loop Appeals',
  工作台: 'Workbench', 诉求查询: 'Search', 来电登记: 'Intake', 督办看板: 'Supervision', 知识库: 'Knowledge base', 工作日历: 'Calendar',
  用户: 'Users', 部门: 'Departments', 分类: 'Categories', 退出: 'Sign out', 登录: 'Sign in', 用户名: 'Username', 密码: 'Password',
  请输入用户名: 'Enter your username', 请输入密码: 'Enter your password', 用户名或密码错误: 'Wrong username or password',
  '无权访问': 'Access denied', '页面不存在': 'Page not found', '出错了': 'Something went wrong', '系统繁忙，请稍后再试': 'The system is busy, please try again later',
  返回首页: 'Back to the workbench', 无权访问此页面: 'You may not open this page', 您无权查看此诉求: 'You may not view this appeal', 诉求不存在: 'Appeal not found',
  '{{role}}工作台': '{{role}} workbench', 暂无: 'None', 刷新: 'Refresh', 基础数据: 'Reference data', 节假日条目: 'Calendar entries', 网格: 'Grids',
  姓名: 'Name', 角色: 'Role', 我的队列: 'My queues', 主导航: 'Main navigation', 队列: 'Queues', 'English': 'English', '中文': '中文',
  // Queues
  我的草稿: 'My drafts', 今日本人登记: 'Recorded by me today', 待派单: 'Awaiting dispatch', 退单待审: 'Return requests', 重启件: 'Reopened',
  单位工单: 'Department orders', '本单位牵头办理、尚未办结的诉求，按办理时限先后排列，每页 50 条': 'Open appeals this department leads, earliest deadline first, 50 a page',
  承办单位: 'Department', 待签收: 'To accept', 即将到期: 'Due soon', 已超期: 'Overdue', 网格待办: 'Grid orders', 本人巡查上报: 'My patrol reports', 网格内诉求: 'Appeals in my grids',
  转介待处理: 'Referrals', 待审核: 'To review', 不满意待处理: 'Dissatisfied citizens', 临期预警: 'Due soon', 延期待批: 'Extension requests',
  不满意待决定: 'Dissatisfied, to decide', 最新诉求: 'Latest appeals',
  // Tables
  编号: 'Number', 标题: 'Title', 类型: 'Type', 状态: 'State', 时限: 'Deadline', 承办: 'Holder', 来电: 'Caller', '（保密）': '(confidential)', '（匿名）': '(anonymous)',
};
