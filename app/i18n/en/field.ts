// English for the grid worker's phone pages (外勤).
export const field: Record<string, string> = {
  外勤: 'Field', 时效: 'Timeliness', 外勤待办: 'Field work', '本人网格的待签收、办理中诉求，按办理时限排序': 'Appeals sent to my grids, to accept or in hand, by deadline',
  '（无地址）': '(no address)', 网格内暂无待办诉求: 'Nothing to do in my grids',
  退回: 'Return', 现场更新: 'Site update', 办结答复: 'Reply as done', 退回理由: 'Reason for returning', 现场情况: 'On site',
  定位打卡: 'Check in location', 纬度: 'Latitude', 经度: 'Longitude', '正在定位…': 'Locating…', 已定位: 'Located',
  '定位可选，仅在提交本次更新时记录': 'Location is optional and recorded only with this update',
  '此设备或浏览器不支持定位，可不打卡直接提交': 'This device or browser cannot locate; you can submit without checking in',
  '定位权限被拒绝：请在浏览器设置中允许定位，或不打卡直接提交': 'Location permission denied: allow location in the browser settings, or submit without checking in',
  '暂时无法获取位置，请到开阔处重试，或不打卡直接提交': 'Location unavailable right now: try again in the open, or submit without checking in',
  上传照片: 'Upload photos', '拍照或选择照片（可多张）': 'Take or choose photos (several allowed)', '已上传 {{n}} 张照片': '{{n}} photo(s) uploaded',
  '上传中…': 'Uploading…', 现场照片: 'Site photos', 现场记录: 'Site records', 查看完整诉求页: 'Open the full appeal page',
  外勤页面仅供网格员使用: 'The field pages are for grid workers only',
  '理由最多 1000 个字': 'At most 1000 characters', '内容最多 4000 个字': 'At most 4000 characters', 坐标无效: 'Invalid coordinate',
  '定位不完整，请重新打卡': 'Incomplete location, please check in again', 请选择是否解决: 'Choose whether it was resolved', 无效的版本: 'Invalid version',
  请选择或拍摄照片: 'Choose or take a photo', '一次最多上传 6 张照片': 'At most 6 photos at a time',
  '只能上传 JPG、PNG、WEBP 照片': 'Only JPG, PNG or WEBP photos', '每张照片不能超过 10 MB': 'Each photo must be at most 10 MB',
  '请以 multipart/form-data 上传照片': 'Upload photos as multipart/form-data',
};
