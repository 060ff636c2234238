// English for the intake screens (Chinese text → English).
export const intake: Record<string, string> = {
  // Intake
  '搜索知识库': 'Search the knowledge base', '知识库结果': 'Knowledge base results', '引用': 'Use',
  '责任单位：{{name}}': 'Responsible unit: {{name}}', '没有找到相关答复': 'No matching answers found',
  '来电查询': 'Caller lookup', '来电号码': 'Caller number', '查询': 'Search', '诉求登记': 'Appeal record',
  '诉求人电话': 'Complainant phone', '诉求人姓名': 'Complainant name', '紧急程度': 'Urgency', '诉求类型': 'Appeal type',
  '分类（输入关键字选择）': 'Category (type a keyword to choose)', '诉求内容': 'Appeal details', '地址': 'Address',
  '（不确定）': '(not sure)', '保密（对承办单位隐藏诉求人）': 'Confidential (hide the complainant from the handling unit)',
  '匿名': 'Anonymous', '当场答复（咨询类）': 'Answer on the spot (consultations)', '答复内容': 'Answer',
  '当场答复并办结': 'Answer on the spot and close', '提交（Ctrl+Enter）': 'Submit (Ctrl+Enter)', '保存草稿（Ctrl+S）': 'Save draft (Ctrl+S)',
  '疑似重复': 'Possible duplicates', '疑似重复诉求': 'Possible duplicate appeals', '同一来电人': 'Same caller', '同类同地点': 'Same category and place',
  '合并到此': 'Merge into this', '来电人信息': 'Caller details', '来电人': 'Caller', '未登记姓名': 'Name not recorded',
  '重复来电：近 30 日 {{n}} 次': 'Repeat caller: {{n}} calls in the last 30 days', '未办结（{{n}}）': 'Open ({{n}})',
  '最近诉求': 'Recent appeals', '输入来电号码查询历史诉求': 'Enter the caller number to look up past appeals',
  // Search
  '查询条件': 'Search filters', '号码/电话/内容': 'Number / phone / text', '诉求编号、来电号码或关键词': 'Appeal number, caller number or keywords',
  '全部': 'All', '承办单位': 'Handling unit', '时限状态': 'Deadline status', '起止日期': 'Date range', '开始日期': 'Start date', '结束日期': 'End date',
  '清空条件': 'Clear filters', '：分页已失效，请重新查询': ': the page link has expired, please search again', '查询结果': 'Results',
  '共': 'Found', '条': 'results', '分页': 'Pagination', '第一页': 'First page', '下一页': 'Next page', '已是最后一页': 'Last page',
  '{{phase}}（全部）': '{{phase}} (all)',
  // Knowledge base
  '编辑知识条目 {{title}}': 'Edit article {{title}}', '新增知识条目': 'New article', '编辑知识条目': 'Edit article',
  '正文': 'Text', '（通用）': '(general)', '责任单位': 'Responsible unit', '（无）': '(none)', '生效日期': 'Valid from', '失效日期': 'Valid until',
  '保存修改': 'Save changes', '新增': 'Add', '取消编辑': 'Cancel editing', '知识库维护': 'Knowledge base', '已保存：{{title}}': 'Saved: {{title}}',
  '知识条目（{{n}}）': 'Articles ({{n}})', '有效期': 'Validity', '通用': 'General', '不限': 'Open', '至': 'to',
  '已停用': 'Deactivated', '未生效': 'Not yet valid', '已过期': 'Expired', '有效': 'Valid',
  '编辑 {{title}}': 'Edit {{title}}', '编辑': 'Edit', '停用 {{title}}': 'Deactivate {{title}}', '停用': 'Deactivate', '暂无知识条目': 'No articles yet',
  // Working-day calendar
  '工作日历维护': 'Working-day calendar',
  '周一至周五上班、周六周日休息；此处登记例外：法定节假日放假，以及调休上班的周末。修改后办理时限按新日历计算。':
    'Monday to Friday are working days and weekends are rest days; record the exceptions here: public holidays, and weekends that are adjusted working days. Deadlines are computed with the new calendar after a change.',
  '选择年份': 'Choose a year', '年份': 'Year', '查看': 'View', '{{year}} 年日历条目（{{n}}）': 'Calendar entries for {{year}} ({{n}})',
  '日期': 'Date', '星期': 'Weekday', '名称': 'Name',
  '周日': 'Sun', '周一': 'Mon', '周二': 'Tue', '周三': 'Wed', '周四': 'Thu', '周五': 'Fri', '周六': 'Sat',
  '放假': 'Holiday', '调休上班': 'Adjusted working day', '删除 {{date}}': 'Delete {{date}}', '删除': 'Delete',
  '该年份尚无条目，全年按周一至周五上班计算。': 'No entries for this year yet; Monday to Friday count as working days all year.',
  '添加日历条目': 'Add a calendar entry', '添加条目': 'Add entry', '例如 国庆节': 'e.g. National Day', '添加': 'Add',
  '导入年度日历': 'Import a year calendar',
  '粘贴国务院办公厅公布安排后整理的 JSON 文件内容，格式：': 'Paste the JSON file prepared from the State Council General Office holiday schedule, in the format: ',
  '。导入会替换该年份的全部条目。': '. Importing replaces all entries of that year.',
  '日历文件（JSON）': 'Calendar file (JSON)', '导入': 'Import',
};
