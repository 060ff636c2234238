// English for the review and callback desk: the reply under review, where a redo goes, callback rows of the
// timeline, phone failures, and SMS notices with their admin-edited templates.
export const review: Record<string, string> = {
  // The reply under review
  待审核的答复: 'Reply under review',
  '（无答复内容）': '(no reply text)',
  已化解: 'settled',
  未化解: 'not settled',
  不予受理: 'not accepted',
  // Redo choice
  重办去向: 'Redo by',
  原承办单位重办: 'the same unit (redo)',
  退回派单重新派单: 'the dispatch desk (dispatch again)',
  '不能由原承办单位重办：重办次数已用完，或没有承办单位':
    'The same unit cannot redo it: no redos are left, or no unit holds the appeal',
  // Callback rows of the timeline
  '第 {{n}} / {{max}} 次未接通': 'Attempt {{n}} of {{max}}: no answer',
  // Phone failures
  '电话系统暂不可用，请稍后再拨或手工登记回访结果':
    'The phone system is unavailable: call again later, or record the callback result by hand',
  '电话系统暂不可用，请稍后再拨；来电可手工登记':
    'The phone system is unavailable: call again later; calls can be recorded by hand',
  '正在通话中，请先挂断当前通话再拨': 'A call is in progress: hang up before dialling again',
  当前没有可操作的通话: 'There is no call to act on',
  '号码无效，请检查后重拨': 'The number is not valid: check it and dial again',
  '未配置热线队列，无法就绪接听，请联系管理员':
    'No hotline queue is configured, so calls cannot be taken: ask the admin',
  '电话操作失败，请稍后重试': 'The phone step failed: try again later',
  '无法获取回访号码，请刷新页面后重试或手工登记回访结果':
    'Could not get the callback number: reload the page and try again, or record the callback result by hand',
  '您的账号没有话务软电话：请由回访员拨打，或电话联系后手工登记回访结果':
    'Your account has no softphone: let a callback agent call, or call by other means and record the result by hand',
  // SMS on the appeal
  短信通知: 'Text messages',
  待发送: 'Pending',
  已发送: 'Sent',
  发送失败: 'Failed',
  已送达: 'Delivered',
  送达于: 'delivered',
  '已尝试 {{n}} 次': '{{n}} attempts',
  下次重试: 'next try',
  生成于: 'queued',
  发送于: 'sent',
  尝试发送于: 'tried',
  暂无短信: 'No messages',
  受理通知: 'Received notice',
  答复通知: 'Reply notice',
  重新受理通知: 'Reopened notice',
  查询链接: 'Tracking link',
  评价邀请: 'Rating request',
  // SMS templates (admin)
  短信模板: 'SMS templates',
  短信内容: 'Message text',
  预览: 'Preview',
  最后修改: 'Last changed',
  保存: 'Save',
  '发给市民的每一条短信：验证码、受理、查询链接、答复、评价邀请和重新受理。每条下面列出它可用的占位符，标“必填”的必须包含。修改只影响之后生成的短信。':
    'Every message a citizen gets: the verification code, received, tracking link, answered, rating request and reopened. Each lists the placeholders it may use; those marked required must be in it. A change applies to messages queued afterwards.',
  可用占位符: 'Placeholders',
  必填: 'required',
  '6 位验证码': '6-digit code',
  验证码用途: 'what the code is for',
  链接: 'link',
  '短信内容必须包含6 位验证码 {code}': 'The text must contain the 6-digit code {code}',
  '短信内容必须包含链接 {link}': 'The text must contain the link {link}',
  '只能使用占位符 {code}、{purpose}': 'Only the placeholders {code} and {purpose} may be used',
  '只能使用占位符 {appealNo}、{dueAt}': 'Only the placeholders {appealNo} and {dueAt} may be used',
  '只能使用占位符 {appealNo}、{link}': 'Only the placeholders {appealNo} and {link} may be used',
  只有管理员可以维护短信模板: 'Only admins may edit SMS templates',
  短信模板不存在: 'No such SMS template',
  '短信内容至少 5 个字': 'The text needs at least 5 characters',
  '短信内容最多 300 个字': 'The text may have at most 300 characters',
  '短信内容必须包含诉求编号 {appealNo}': 'The text must contain the appeal number {appealNo}',
};
