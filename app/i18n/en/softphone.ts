// English for the softphone bar, the screen pop and the citizen demo phone.
export const softphone: Record<string, string> = {
  // Agent states
  '电话系统未启用': 'Telephony is not enabled', '正在连接电话系统…': 'Connecting to the phone system…',
  '电话系统无法连接，可继续手工登记': 'Phone system unreachable: manual intake still works', '电话系统重连中…': 'Reconnecting to the phone system…',
  '就绪': 'Ready', '未就绪': 'Not ready', '来电振铃': 'Ringing', '正在呼叫': 'Calling', '通话保持': 'On hold', '通话中': 'In call', '话后处理': 'After-call work',
  '刚登录': 'just signed in', '小休': 'break', '用餐': 'meal', '培训': 'training', '会议': 'meeting', '整理工单': 'paperwork',
  '未就绪原因': 'Not-ready reason', '号码': 'Number',
  // Controls
  '外拨号码': 'Number to dial', '拨打': 'Dial', '接听': 'Answer', '拒接': 'Reject', '挂断': 'Hang up', '保持': 'Hold', '恢复': 'Resume',
  '静音': 'Mute', '取消静音': 'Unmute', '拨号盘': 'Keypad', '转接单位': 'Transfer to department', '转接到…': 'Transfer to…', '转接': 'Transfer',
  '结束话后处理': 'End after-call work', '手工登记来电': 'Record a call manually', '操作失败': 'Action failed',
  '无法获取电话凭据': 'Could not get phone credentials', '录音上传失败': 'Recording upload failed', '加入/退出热线队列失败': 'Could not join or leave the hotline queue',
  '电话未连接': 'Phone not connected', '无权查看该号码': 'Not allowed to see this number', '无法获取回访号码': 'Could not get the callback number',
  '拨打回访电话': 'Call back the citizen', '进行中': 'in progress', '等待 {{n}} 秒': 'waited {{n}} s', '通话 {{n}} 秒': 'talked {{n}} s',
  // Screen pop
  '来电弹屏': 'Screen pop', '未登记的来电人': 'Unknown caller', '重复来电：30 天内 {{n}} 次': 'Repeat caller: {{n}} times in 30 days',
  '未办结诉求': 'Open appeals', '没有诉求记录': 'No appeals on record', '正在查询来电人记录…': 'Looking up the caller…',
  '本次来电：{{phone}}，保存后诉求自动关联此通话': 'Call from {{phone}}: saving links the appeal to this call',
  // Citizen demo phone
  '市民电话（演示）': 'Citizen phone (demo)', '仅用于演示和测试：在浏览器里拨打 12345 热线。': 'For demos and tests only: call the 12345 hotline from the browser.',
  '本机号码': 'This phone\'s number', '未连接': 'Not connected', '连接中…': 'Connecting…', '已就绪，可拨打': 'Ready to call', '正在呼叫…': 'Calling…',
  '通话已结束': 'Call ended', '无法连接电话系统': 'Cannot reach the phone system', '来电：{{from}}': 'Incoming call: {{from}}', '已转接至 {{n}}': 'Transferred to {{n}}',
  '开机': 'Switch on', '拨打 12345': 'Call 12345', '请输入 5–15 位数字的电话号码': 'Enter a phone number of 5–15 digits', '请检查电话号码': 'Check the phone number',
  '电话系统未配置（缺少 SIP_SHARED_SECRET）': 'Telephony is not configured (SIP_SHARED_SECRET is missing)',
};
