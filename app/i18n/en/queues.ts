// Queues on the home pages and the duty board: counts and keyset paging.
export const queues: Record<string, string> = {
  分页: 'Pages',
  '第 {{from}}–{{to}} 条，共 {{total}} 条': '{{from}}–{{to}} of {{total}}',
  第一页: 'First page',
  网站诉求受理超时: 'Web appeals past their accept time',
  受理超时: 'Past the accept time',
  '受理时限 {{at}}': 'To be accepted by {{at}}',
};
