// English for the department handler's day: assisting orders (协办), second-level dispatch (二级派单) to sections,
// and files sent with a reply or an opinion.
export const handler: Record<string, string> = {
  协办签收: 'Accept assisting order',
  提交协办意见: 'Give assisting opinion',
  协办意见: 'Assisting opinion',
  '协办单位尚未反馈，直接答复的理由': 'Reason for replying before the assisting units answered',
  '附件（可选，最多 {{n}} 个）': 'Attachments (optional, up to {{n}})',
  协办单位意见: 'Assisting units’ opinions',
  已反馈: 'Answered',
  '未反馈（主办已答复）': 'Not answered (the lead replied)',
  反馈时限: 'Opinion due',
  反馈于: 'Answered at',
  '未等协办意见答复，理由：': 'Replied without waiting for the assisting units, reason: ',
  协办待办: 'Assisting orders',
  下级单位办理中: 'With our sections',
  '科室/中队': 'Section',
  '协办单位尚未全部反馈意见：请等待，或填写直接答复的理由':
    'Not every assisting unit has answered: wait for them, or give the reason for replying now',
  此操作不能附带文件: 'This action takes no files',
  '最多附带 5 个文件': 'At most 5 files',
};
