// English for the call records, the callback queue and the call-event messages.
export const telephony: Record<string, string> = {
  // Call records page
  通话记录: 'Call records', 方向: 'Direction', 话务员: 'Agent', 主叫或被叫号码: 'Caller or callee number', 时间: 'Time', 主叫: 'Caller', 被叫: 'Callee',
  '等待/通话': 'Wait / talk', 关联诉求: 'Linked appeals', 录音: 'Recording', 通话录音: 'Call recording', 回拨: 'Call back', 进行中: 'In progress',
  通话列表: 'Call lists', 全部通话: 'All calls', 待回拨: 'To call back', 通话: 'Calls', 上一页: 'Previous page',
  '待回拨：未接与振铃中挂断的来电，最早的在前': 'To call back: missed and abandoned calls, oldest first', 没有待回拨的来电: 'No calls waiting for a callback',
  // Dispositions
  已接听: 'Answered', 已转接: 'Transferred', 未接来电: 'Missed', 振铃中挂断: 'Abandoned', 未接通: 'Not connected', 已拒接: 'Rejected',
  // Call events
  通话事件无效: 'Invalid call event', 缺少通话标识: 'The Call-ID is missing', 通话标识无效: 'Invalid Call-ID', 缺少号码: 'The number is missing', 号码无效: 'Invalid number',
  时间格式无效: 'Invalid time', 事件类型无效: 'Invalid event type', 通话方向无效: 'Invalid call direction', 结束原因无效: 'Invalid end reason',
  诉求编号无效: 'Invalid appeal id', 转接目标无效: 'Invalid transfer target', 结束事件须说明原因: 'An end event needs a reason',
  只有结束事件带原因: 'Only an end event carries a reason', 外呼事件的方向应为去电: 'A dialling event must be outbound',
  只有外呼事件可关联诉求: 'Only a dialling event may name an appeal', 只有转接事件带转接目标: 'Only a transfer carries a target',
  事件时间与服务器时间相差过大: 'The event time is too far from the server time', '请求内容应为 JSON': 'The request body must be JSON',
  通话不存在: 'Call not found', 未授权: 'Unauthorized', 您无权关联通话: 'You may not link calls', 只能关联您接听或拨出的通话: 'You may only link calls you answered or dialled',
  您无权查看通话记录: 'You may not see the call records', 请选择有效的方向: 'Choose a valid direction', 请选择有效的结果: 'Choose a valid outcome',
  请选择有效的话务员: 'Choose a valid agent', '号码应为 3–20 位数字': 'The number has 3–20 digits', 页码无效: 'Invalid page',
  // Recordings
  '缺少录音文件的 SHA-256 校验值': 'The recording\'s SHA-256 is missing', 录音文件为空: 'The recording is empty',
  '录音文件不能超过 50 MB': 'A recording may be at most 50 MB', '录音只能是 audio/webm 或 audio/ogg': 'A recording must be audio/webm or audio/ogg',
  文件内容与录音格式不符: 'The file content does not match the recording format',
  '录音文件校验值不一致，上传可能不完整，请重新上传': 'The recording\'s checksum does not match; the upload may be incomplete, please upload again',
  只有接听或拨出此通话的话务员可以上传录音: 'Only the agent who answered or dialled this call may upload its recording',
  此通话已有录音: 'This call already has a recording', 您无权收听此通话录音: 'You may not listen to this call\'s recording', 此通话没有录音: 'This call has no recording',
  '录音文件校验失败，已拒绝播放，请联系管理员': 'The recording failed its integrity check and was not played; contact an administrator',
  '请以 multipart/form-data 上传录音': 'Upload the recording as multipart/form-data', 请选择录音文件: 'Choose a recording file',
};
