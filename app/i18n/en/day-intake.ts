// English for the operator's working day at intake: drafts that reopen, duplicate hints beside the form, the map.
export const dayIntake: Record<string, string> = {
  修改草稿: 'Draft edited',
  继续编辑: 'Continue editing',
  在登记表中修改草稿后保存或提交: 'Edit the draft in the intake form, then save or submit it',
  '继续编辑草稿 {{number}}': 'Editing draft {{number}}',
  '草稿已保存（{{number}}），可继续编辑或提交': 'Draft saved ({{number}}): keep editing or submit it',
  '已登记 {{id}}，留空则保持不变': 'On record: {{id}}; leave empty to keep it',
  '键盘：聚焦地图后方向键移动，+/- 缩放，回车选取中心点':
    'Keyboard: focus the map, move it with the arrow keys, zoom with +/-, Enter picks the centre',
  '疑似重复诉求（{{n}}）': 'Possible duplicates ({{n}})',
  在新标签页打开: 'Opens in a new tab',
  只有登记人可以修改此草稿: 'Only the person who recorded this draft may edit it',
  '该诉求已提交，不能再按草稿修改': 'This appeal has been submitted; it can no longer be edited as a draft',
  '草稿已被修改，请刷新后重试': 'The draft has changed; please reload and try again',
};
