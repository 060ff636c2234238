// English for the supervisor reports (统计报表) and their drill-through lists.
import { MEASURES } from '../../reports/measures';
import { COLUMN_LABELS, NO_KEY_LABELS, SOURCE_LABELS, VIEW_LABELS } from '../../reports/report-view';

const byCode = <T extends Record<string, string>>(zh: T, en: Record<keyof T, string>) =>
  Object.fromEntries(Object.entries(zh).map(([code, text]) => [text, en[code as keyof T]]));

// Measures by key, so a renamed Chinese label cannot leave its English behind.
const MEASURE_EN: Record<string, { label: string; formula: string }> = {
  received: { label: 'Received', formula: 'Appeals received in the period (drafts, void and merged appeals left out)' },
  responseRate: { label: 'Response rate', formula: 'Orders accepted within the accept limit ÷ orders dispatched' },
  resolutionRate: {
    label: 'Resolution rate',
    formula: 'Appeals the citizen says are resolved ÷ appeals with callback feedback',
  },
  satisfactionRate: {
    label: 'Satisfaction rate',
    formula:
      '(Satisfied + basically satisfied) ÷ appeals with callback feedback, leaving out those marked as unreasonable demands',
  },
  onTimeClosureRate: {
    label: 'On-time closure rate',
    formula: 'Appeals closed within the handling limit ÷ appeals closed',
  },
  overdue: { label: 'Overdue', formula: 'Appeals that passed their handling limit' },
  avgHandlingDays: {
    label: 'Average handling time (working days)',
    formula: 'Working days from receipt to the handling unit’s answer, summed ÷ appeals answered',
  },
  returnRate: { label: 'Return rate', formula: 'Appeals with an approved return ÷ appeals dispatched' },
  redoRate: { label: 'Redo rate', formula: 'Appeals sent back to be redone ÷ appeals dispatched' },
  extensionRate: { label: 'Extension rate', formula: 'Appeals given an extension ÷ appeals dispatched' },
  repeatCallers: {
    label: 'Repeat callers',
    formula: 'Appeals from a caller who filed another appeal in the 30 days before',
  },
};

export const reports: Record<string, string> = {
  ...Object.fromEntries(
    MEASURES.flatMap((m) =>
      MEASURE_EN[m.key]
        ? [
            [m.label, MEASURE_EN[m.key].label],
            [m.formula, MEASURE_EN[m.key].formula],
          ]
        : [],
    ),
  ),
  ...byCode(COLUMN_LABELS, {
    received: 'Received',
    dispatchedAppeals: 'Appeals dispatched',
    orders: 'Orders dispatched',
    ordersOnTime: 'Orders accepted in time',
    feedback: 'Appeals with feedback',
    resolved: 'Appeals resolved',
    satisfactionBase: 'Feedback counted for satisfaction',
    satisfied: 'Satisfied or basically satisfied',
    closed: 'Appeals closed',
    closedOnTime: 'Appeals closed on time',
    overdue: 'Overdue',
    replied: 'Appeals answered',
    handlingCentidays: 'Working days in hand',
    returned: 'Returns',
    redone: 'Redone',
    extended: 'Extensions',
    repeatCallers: 'Repeat callers',
    unreasonable: 'Unreasonable demands',
  }),
  ...byCode(SOURCE_LABELS, {
    hotline: '12345 hotline',
    web: 'Website',
    patrol: 'Patrol reports',
    wechat: 'WeChat',
    api: 'City systems (API)',
  }),
  ...byCode(VIEW_LABELS, { department: 'Department', category: 'Category', grid: 'Grid', source: 'Channel' }),
  ...byCode(NO_KEY_LABELS, {
    department: '(Not sent to a department)',
    category: '(No category)',
    grid: '(No grid)',
    source: '(Unknown channel)',
  }),
  报表: 'Reports',
  统计报表: 'Reports',
  报表条件: 'Report options',
  统计维度: 'Breakdown',
  报表周期: 'Period',
  周报: 'Weekly',
  月报: 'Monthly',
  自定义: 'Custom range',
  '‹ 上一期': '‹ Previous period',
  '下一期 ›': 'Next period ›',
  '按{{view}}': 'by {{view}}',
  '对比上期 {{from}} 至 {{to}}': 'compared with {{from}} to {{to}}',
  '导出 Excel': 'Export Excel',
  '导出 PDF': 'Export PDF',
  每日报表: 'Daily reports',
  '报表条件有误，请修改后重新查询': 'The report options are not valid; please correct them and try again',
  全市概况: 'City overview',
  上期: 'Previous',
  持平: 'No change',
  全市: 'Whole city',
  受理与办结趋势: 'Received and closed per day',
  '每日受理、办结与超期诉求数': 'Appeals received, closed and overdue per day',
  办结: 'Closed',
  '{{view}}排名': 'Ranking by {{view}}',
  排名指标: 'Rank by',
  '按{{measure}}排名': 'Ranked by {{measure}}',
  '数值越高越好，由高到低排列': 'Higher is better; best first',
  '数值越低越好，由低到高排列': 'Lower is better; best first',
  无数据的不参与排名: 'rows without a value are not ranked',
  本期没有可排名的数据: 'Nothing to rank in this period',
  '分{{view}}统计': 'Figures by {{view}}',
  合计: 'Total',
  本期没有数据: 'No data for this period',
  '每格：本期数值；下方为上期数值与变化。点击数字查看对应诉求。':
    'Each cell: this period, with the previous period and the change below. Click a figure to see its appeals.',
  查看构成该数字的诉求: 'See the appeals behind this figure',
  诉求热点分布: 'Where appeals come from',
  '网格热点图：颜色越深受理量越大，红色虚线边框表示有超期诉求':
    'Grid map: darker means more appeals received; a dashed red border means overdue appeals',
  '热点网格 TOP 10': 'Top 10 grids',
  '热点诉求分类 TOP 10': 'Top 10 categories',
  指标口径: 'How the figures are defined',
  统计口径: 'Periods',
  '所有指标按诉求的受理日期（北京时间）归入统计期；上期为长度相同的前一期（月报为上一个自然月）。':
    'Every figure counts an appeal in the period of its receipt day (Beijing time); the previous period has the same length (the previous calendar month for monthly reports).',
  // The drill-through list
  '统计期 {{range}}（按受理日期）': 'Period {{range}} (by receipt day)',
  件诉求: 'appeals',
  '个工单，涉及 {{m}} 件诉求': 'orders, on {{m}} appeals',
  工单承办: 'Order sent to',
  受理日期: 'Received on',
  诉求清单: 'Appeals',
  没有诉求: 'No appeals',
  翻页: 'Pages',
  '« 第一页': '« First page',
  '下一页 ›': 'Next page ›',
  // Query and list errors
  报表条件有误: 'The report options are not valid',
  清单条件有误: 'The list options are not valid',
  '日期格式应为 YYYY-MM-DD': 'Dates are written YYYY-MM-DD',
  日期超出范围: 'The date is out of range',
  '请选择部门、分类、网格或来源': 'Choose department, category, grid or channel',
  '请选择日报、周报、月报或自定义时段': 'Choose a daily, weekly, monthly or custom period',
  请填写开始日期: 'Enter the start date',
  请填写结束日期: 'Enter the end date',
  结束日期不能早于开始日期: 'The end date cannot be before the start date',
  '自定义时段最长 366 天': 'A custom range is at most 366 days',
  只有值班长可以查看报表: 'Only supervisors can see reports',
  该数字没有对应的诉求清单: 'This figure has no list of appeals',
  无效的统计对象: 'Unknown row',
  无效的翻页位置: 'Invalid page position',
  时段过长: 'The range is too long',
  未知的报表维度: 'Unknown breakdown',
};
