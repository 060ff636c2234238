// English for the supervisor's grid view (网格态势).
export const gridView: Record<string, string> = {
  网格态势: 'Grid situation',
  返回督办看板: 'Back to the supervision board',
  '数据时间 {{at}}': 'Data as of {{at}}',
  网格分布: 'Grid map',
  '网格分布图：颜色越深未办结越多，红色虚线边框表示有超期诉求':
    'Grid map: darker means more open appeals; a dashed red border means overdue appeals',
  '地图加载中…': 'Loading the map…',
  未办结: 'Open',
  有超期: 'Has overdue',
  网格诉求: 'Grid appeals',
  '{{name}} 的未办结诉求': 'Open appeals in {{name}}',
  '共 {{n}} 件未办结，按时限列出前 {{m}} 件': '{{n}} open; the first {{m}} by deadline',
  在诉求查询中查看: 'View in search',
  该网格没有未办结诉求: 'No open appeals in this grid',
  '点击地图上的网格或表格中的网格名称，查看其未办结诉求':
    'Click a grid on the map or its name in the table to see its open appeals',
  各网格工作量: 'Workload per grid',
  '社区 / 街道': 'Community / street',
  网格员: 'Grid workers',
  '近 {{n}} 天办结': 'Closed in {{n}} days',
  巡查上报: 'Patrol reports',
  自办率: 'Self-handled',
  '近期办结的巡查上报中，未派往职能部门、由网格自行处置的比例':
    'Share of recently closed patrol reports handled by the grid itself, without dispatch to a department',
  各网格未办结与超期: 'Open and overdue per grid',
  各网格未办结与超期诉求数: 'Open and overdue appeals per grid',
};
