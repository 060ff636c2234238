// English for the messages screens (Chinese text → English).
export const messages: Record<string, string> = {
  // Validation
  '此项为必填': 'This field is required', '电话号码格式不正确': 'The phone number is not valid', '输入有误': 'Invalid input',
  '请检查填写的内容': 'Please check what you entered', '请检查标红的项目': 'Please check the fields marked in red', '无效的字段': 'Invalid field',
  '请求内容必须是对象': 'The request must be an object', '表单已失效，请刷新页面': 'The form has expired, please reload the page',
  '无效的操作': 'Invalid action',
  // Intake and appeals
  '内容至少 5 个字': 'Details must be at least 5 characters', '标题至少 2 个字': 'The title must be at least 2 characters',
  '标题最多 200 个字': 'The title may be at most 200 characters', '请选择分类': 'Please choose a category', '请从列表中选择分类': 'Please choose a category from the list',
  '分类不存在': 'Category not found', '网格不存在': 'Grid not found', '部门不存在': 'Department not found', '责任单位不存在': 'Responsible unit not found',
  '请选择类型': 'Please choose a type', '请选择诉求类型': 'Please choose an appeal type', '请填写答复内容': 'Please enter the answer',
  '请选择要合并到的诉求': 'Please choose the appeal to merge into', '请输入要合并到的诉求编号': 'Please enter the number of the appeal to merge into',
  '请输入诉求编号': 'Please enter an appeal number', '诉求编号不存在': 'Appeal number not found', '不能合并到自身': 'An appeal cannot be merged into itself',
  '目标诉求不存在或已结束': 'The target appeal does not exist or is already closed', '诉求不存在': 'Appeal not found',
  '当前状态不允许此操作': 'This action is not allowed in the current state', '无权执行此操作': 'You may not perform this action',
  '您无权查看此诉求': 'You may not view this appeal', '该诉求不在您的办理范围内': 'This appeal is outside your remit',
  '该诉求已被他人更新，请刷新后重试': 'Someone else updated this appeal; please reload and try again',
  '该诉求没有办理时限': 'This appeal has no deadline', '延期天数无效': 'Invalid number of extension days',
  '二级派单只能派往下级单位': 'Sub-dispatch can only go to a subordinate unit', '只能上报本人网格内的事项': 'You can only report matters in your own grids',
  '没有可显示的号码': 'There is no number to show', '未找到': 'Not found', '系统繁忙，请稍后再试': 'The system is busy, please try again later',
  // Search
  '查询条件有误': 'The search filters are invalid', '查询内容过长': 'The search text is too long', '分页参数无效': 'Invalid page link',
  '请选择有效的状态': 'Please choose a valid state', '请选择有效的时限状态': 'Please choose a valid deadline status',
  '请选择有效的分类': 'Please choose a valid category', '请选择有效的承办单位': 'Please choose a valid handling unit', '请选择有效的网格': 'Please choose a valid grid',
  '结束日期不能早于开始日期': 'The end date cannot be before the start date',
  '日期格式应为 YYYY-MM-DD': 'Dates must be YYYY-MM-DD', '日期不存在': 'This date does not exist',
  // Attachments
  '您无权上传附件': 'You may not upload attachments', '您无权查看此诉求的附件': 'You may not view the attachments of this appeal',
  '诉求已办结，不能再上传附件': 'The appeal is closed; no more attachments can be uploaded', '附件不存在': 'Attachment not found',
  '文件不能超过 10 MB': 'Files may not exceed 10 MB', '文件为空': 'The file is empty', '文件名无效': 'Invalid file name',
  '文件内容与文件类型不符': 'The file content does not match its type', '文件扩展名与文件类型不符': 'The file extension does not match its type',
  '只能上传 JPG、PNG、WEBP 图片，PDF、Word、Excel 文档或纯文本文件': 'Only JPG, PNG and WEBP images, PDF, Word and Excel documents or plain text files can be uploaded',
  '附件文件校验失败，已拒绝下载，请联系管理员': 'The attachment failed its integrity check and cannot be downloaded; please contact an administrator',
  // Knowledge base
  '只有管理员可以维护知识库': 'Only administrators can maintain the knowledge base', '知识条目不存在': 'Article not found',
  '正文至少 5 个字': 'The text must be at least 5 characters', '正文最多 20000 个字': 'The text may be at most 20000 characters',
  '失效日期不能早于生效日期': 'The end of validity cannot be before its start',
  // Calendar
  '只有管理员可以维护工作日历': 'Only administrators can maintain the working-day calendar', '该日期没有日历条目': 'There is no calendar entry for this date',
  '调休上班日应为周六或周日': 'An adjusted working day must be a Saturday or Sunday', '名称最多 50 个字': 'The name may be at most 50 characters',
  '日历文件有误': 'The calendar file has errors', '不是有效的 JSON': 'Not valid JSON',
  '不是有效的 JSON，请粘贴完整的日历文件内容': 'Not valid JSON; please paste the whole calendar file',
  '日历文件应为 JSON 对象 { year, entries }': 'The calendar file must be a JSON object { year, entries }',
  'entries 必须是数组': 'entries must be an array', 'name 必须是字符串': 'name must be a string', 'year 应不早于 1992': 'year must not be before 1992',
  'year 应为四位数': 'year must have four digits', 'year 必须是数字': 'year must be a number', 'year 必须是整数': 'year must be an integer',
  '日期必须是字符串 YYYY-MM-DD': 'date must be a YYYY-MM-DD string',
};
