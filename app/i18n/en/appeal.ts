// English for the appeal page, its actions and chart, attachments and the supervision board.
export const appeal: Record<string, string> = {
  显示完整号码: 'Show full number', 返回工作台: 'Back to the workbench', 保密: 'Confidential', 地址: 'Address', 所在网格: 'Grid',
  诉求人: 'Complainant', '重办/重启/延期': 'Redo / reopen / extensions', 督办: 'Supervise',
  '（已升级：领导）': ' (escalated to leader)', '（已升级：联席会议）': ' (escalated to joint meeting)',
  回访话术: 'Callback script', '已尝试 {{n}} / {{max}} 次未接通': 'Unreachable {{n}} of {{max}} attempts',
  '，已超过回访时限': ', callback deadline passed', '；第 {{max}} 次未接通即按“无法联系”办结。': '; attempt {{max}} unreachable closes it as "unreachable".',
  操作: 'Actions', 办理流程: 'Lifecycle', 办理轨迹: 'Timeline', 号码查看记录: 'Number reveal log',
  查看了完整电话: 'viewed the full phone number', 查看了完整证件号: 'viewed the full ID number',
  派单记录: 'Dispatch record', 附件: 'Attachments', 关联通话: 'Linked calls', 去电: 'Outbound',
  主办: 'lead', 协办: 'assisting', '{{n}} 级': 'level {{n}}', 已退回: 'returned', 已改派: 'reassigned', 签收于: 'accepted at',
  签收时限: 'Accept by', 办理时限: 'Handle by', 回访时限: 'Call back by', 诉求生命周期: 'Appeal lifecycle',
  // action forms
  请选择: 'Choose…', 理由: 'Reason', '建议：': 'Suggested: ', '（分类默认）': ' (category default)',
  '（同类同地历史 {{n}} 次）': ' (same category here {{n}} times)', '；': '; ', 主办单位: 'Lead department',
  '协办单位（可多选）': 'Assisting departments (several allowed)', 下级单位: 'Unit below', 答复内容: 'Answer',
  合并到诉求编号: 'Merge into appeal number', 转介至: 'Refer to',
  说明: 'Note', 记录内容: 'Note text', 延期工作日: 'Extra working days',
  批准延期工作日: 'Working days granted', 办理结果: 'Result', 是否解决: 'Resolved?', 已解决: 'Resolved', 未解决: 'Not resolved',
  结果: 'Outcome', 满意度: 'Satisfaction', 满意: 'Satisfied',
  基本满意: 'Basically satisfied', 不满意: 'Dissatisfied', 问题是否解决: 'Problem resolved?', 市民意见: 'Citizen comment', 备注: 'Note',
  督办意见: 'Supervision note', 不合理诉求认定: 'Unreasonable demand', 认定: 'Judgement', '不合理诉求（不计入满意率）': 'Unreasonable demand (left out of the satisfaction rate)',
  撤销认定: 'Withdraw the judgement', 认定理由: 'Reason for the judgement', 升级至: 'Escalate to', 领导接访: 'Leader reception', 联席会议: 'Joint meeting',
  当前没有您可执行的操作: 'Nothing for you to do here now',
  // attachments
  上传附件: 'Upload attachment', 上传: 'Upload', '图片（JPG、PNG、WEBP）、PDF、Word、Excel 或文本，不超过 10 MB': 'Images (JPG, PNG, WEBP), PDF, Word, Excel or text, up to 10 MB',
  // supervision board
  转介案件法定期限: 'Referral cases: legal deadlines', 转介类型: 'Referral', 诉求编号: 'Appeal number',
  '督办 {{n}} 次': 'supervised {{n}}×', 已升级: 'Escalated', '更新于 {{at}}（每 30 秒自动刷新）': 'Updated {{at}} (refreshes every 30 s)',
  各单位临期与超期: 'Due soon and overdue by unit', 延期申请: 'Extension requests', '申请 {{n}} 个工作日：': 'Asks {{n}} working days: ',
  批准工作日: 'Days granted', 批准: 'Approve', 驳回理由: 'Reason for rejecting', 驳回: 'Reject', 升级说明: 'Escalation note', 升级: 'Escalate',
  当前没有临期或超期诉求: 'No appeals are due soon or overdue', 各单位临期与超期诉求数: 'Appeals due soon and overdue per unit',
  超期: 'Overdue', 临期: 'Due soon', 督办看板: 'Supervision board',
};
