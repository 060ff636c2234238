// English for grid shapes and the grid import/export screen (Chinese text → English).
const RING = {
  '的坐标格式不对，每个点应为 [经度, 纬度]': ': a position is malformed, each should be [longitude, latitude]',
  '有坐标超出范围（经度 −180～180，纬度 −90～90）':
    ' has a coordinate out of range (longitude −180 to 180, latitude −90 to 90)',
  '至少需要 4 个坐标点（含与起点相同的终点）': ' needs at least 4 positions (the last repeating the first)',
  '未闭合（终点必须与起点相同）': ' is not closed (the last position must equal the first)',
  自相交: ' intersects itself',
};

// Ring problems are keyed by their place: "第 {{ring}} 个环…" and "第 {{part}} 部分第 {{ring}} 个环…".
const ringProblems = Object.fromEntries(
  Object.entries(RING).flatMap(([zh, en]) => [
    [`第 {{ring}} 个环${zh}`, `Ring {{ring}}${en}`],
    [`第 {{part}} 部分第 {{ring}} 个环${zh}`, `Part {{part}}, ring {{ring}}${en}`],
  ]),
);

export const grids: Record<string, string> = {
  ...ringProblems,
  // Geometry
  缺少几何图形: 'The geometry is missing',
  '几何类型必须是 Polygon 或 MultiPolygon，而不是 {{type}}':
    'The geometry must be a Polygon or MultiPolygon, not {{type}}',
  坐标为空或格式不对: 'The coordinates are empty or malformed',
  '第 {{part}} 部分没有环': 'Part {{part}} has no rings',
  '洞与外环相交、环有尖刺或各部分相互重叠': 'A hole crosses its outer ring, a ring has a spike, or the parts overlap',
  // Import file
  只有管理员可以维护网格: 'Only an administrator may manage grids',
  文件: 'File',
  '第 {{n}} 个要素（{{code}}）': 'Feature {{n}} ({{code}})',
  '第 {{n}} 个要素': 'Feature {{n}}',
  '不是 GeoJSON 要素（type 应为 Feature）': 'Not a GeoJSON feature (type should be Feature)',
  '缺少属性 {{name}}': 'Property {{name}} is missing',
  '网格编码最多 32 个字符': 'The grid code may have at most 32 characters',
  '网格名称最多 100 个字': 'The grid name may have at most 100 characters',
  'workers 必须是用户名的数组': 'workers must be a list of usernames',
  '社区编码 {{code}} 不存在': 'There is no community with code {{code}}',
  '{{code}} 不是社区级部门': '{{code}} is not a community',
  '社区 {{code}} 已停用': 'Community {{code}} is deactivated',
  '用户 {{name}} 不存在': 'There is no user {{name}}',
  '用户 {{name}} 不是网格员': 'User {{name}} is not a grid worker',
  '用户 {{name}} 已停用': 'User {{name}} is deactivated',
  '编码 {{code}} 与第 {{other}} 个要素重复': 'Code {{code}} is also used by feature {{other}}',
  '文件超过 5 MB': 'The file is larger than 5 MB',
  '不是有效的 JSON': 'Not valid JSON',
  '不是 GeoJSON FeatureCollection（需要 type 为 FeatureCollection 且有 features 数组）':
    'Not a GeoJSON FeatureCollection (type must be FeatureCollection, with a features array)',
  文件中没有要素: 'The file has no features',
  请选择要导入的文件: 'Choose a file to import',
  // Screen
  网格管理: 'Grid management',
  '网格（{{n}}）': 'Grids ({{n}})',
  '导出 GeoJSON': 'Export GeoJSON',
  名称: 'Name',
  '街道 › 社区': 'Street › community',
  '面积（km²）': 'Area (km²)',
  导入网格: 'Import grids',
  'GeoJSON FeatureCollection，每个要素的属性：code、name、community（社区部门编码），可选 workers（网格员用户名数组）。按编码新增或更新；有任何问题则整个文件不导入。':
    'A GeoJSON FeatureCollection; each feature has the properties code, name, community (the community department code) and optionally workers (grid worker usernames). Grids are created or updated by code; if anything is wrong, nothing in the file is imported.',
  '网格文件（.geojson / .json，不超过 5 MB）': 'Grid file (.geojson / .json, at most 5 MB)',
  '导入完成：新增 {{created}} 个，更新 {{updated}} 个，未变 {{unchanged}} 个':
    'Imported: {{created}} created, {{updated}} updated, {{unchanged}} unchanged',
  '文件未导入，请修改后重试：': 'The file was not imported. Fix it and try again:',
  '：': ': ',
};
