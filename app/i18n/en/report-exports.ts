// English for the report downloads (导出) and the daily reports (日报) page.
export const reportExports: Record<string, string> = {
  返回报表: 'Back to reports',
  '正在生成…': 'Generating…',
  立即生成昨日日报: "Generate yesterday's report now",
  '每天早上自动生成前一天按部门统计的报表（Excel 与 PDF），并保留在服务器上。':
    "Every morning the previous day's report by department is generated (Excel and PDF) and kept on the server.",
  '已生成 {{day}} 的日报': 'Generated the daily report of {{day}}',
  生成时间: 'Generated at',
  下载: 'Download',
  还没有日报: 'No daily reports yet',
  只有值班长可以查看日报: 'Only supervisors can see daily reports',
  没有这一天的日报: 'There is no daily report for this day',
};
