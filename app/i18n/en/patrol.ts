// English for patrol reports (巡查上报) that a grid worker files from his phone and may handle on the spot (自行处置).
export const patrol: Record<string, string> = {
  自行处置: 'Handled on the spot', 定位: 'Locate', 返回外勤待办: 'Back to field work', 描述: 'Description', 尚未定位: 'Not located yet',
  '现场照片（处置前）': 'Site photos (before)', '已选 {{n}} 张': '{{n}} selected', 现场已处置: 'Handled on the spot already',
  处置结果: 'What was done', 处置后照片: 'Photos after handling', 上报派单: 'Report for dispatch', '正在载入草稿…': 'Loading the draft…',
  '正在提交…': 'Sending…', '已离线保存，联网后自动提交': 'Saved offline; it will be sent when back online',
  '已上报 {{number}}': 'Filed {{number}}', '定位失败，请检查定位权限': 'Could not locate: check the location permission',
  请先定位: 'Locate first', '标题至少 2 个字': 'At least 2 characters', '标题最多 200 个字': 'At most 200 characters',
  '描述至少 5 个字': 'At least 5 characters', '描述最多 8000 个字': 'At most 8000 characters', '处置结果最多 4000 个字': 'At most 4000 characters',
  缺少请求标识: 'Missing request key', 请求标识无效: 'Invalid request key', 请求标识已被使用: 'This request key is already in use',
  请填写处置结果: 'Say what was done', 请拍摄或选择现场照片: 'Take or choose a site photo', 请拍摄或选择处置后照片: 'Take or choose a photo after handling',
  '最多 6 张照片': 'At most 6 photos', 照片太多或太大: 'Too many or too large photos', 该位置不在任何网格内: 'This place is in no grid',
  巡查上报仅供网格员使用: 'Patrol reports are for grid workers only',
};
