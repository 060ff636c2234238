// English for locations on appeals: the intake map picker, the locate lookup and the appeal page (Chinese text → English).
export const appealLocation: Record<string, string> = {
  // Checks on a point
  纬度必须是数字: 'The latitude must be a number',
  '纬度应在 −90～90 之间': 'The latitude must be between −90 and 90',
  经度必须是数字: 'The longitude must be a number',
  '经度应在 −180～180 之间': 'The longitude must be between −180 and 180',
  位置坐标不正确: 'The coordinates are not valid',
  请同时填写经度和纬度: 'Enter both latitude and longitude',
  // Intake picker
  '位置（在地图上点击，或填写经纬度）': 'Location (click on the map, or enter latitude and longitude)',
  位置选择地图: 'Map for picking the location',
  纬度: 'Latitude',
  经度: 'Longitude',
  清除位置: 'Clear location',
  '正在查找所在网格…': 'Finding the grid…',
  '所在网格：{{code}} {{name}}': 'In grid: {{code}} {{name}}',
  '不在任何网格内，由派单员决定': 'Not inside any grid: the dispatcher decides',
  未选择位置: 'No location picked',
  // Appeal page
  位置: 'Location',
  '坐标（纬度, 经度）': 'Coordinates (latitude, longitude)',
  位置所在网格: 'Grid at this location',
  诉求位置地图: 'Map of the appeal’s location',
  '建议：{{name}}（按诉求位置）': 'Suggested: {{name}} (from the appeal’s location)',
  '建议：{{name}}（登记时所选）': 'Suggested: {{name}} (chosen at intake)',
};
