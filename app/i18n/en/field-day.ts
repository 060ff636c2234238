// English for the phone-sized layout (the compact header and its menu) and the patrol report's address and photos.
export const fieldDay: Record<string, string> = {
  '12345 热线': '12345 Hotline',
  菜单: 'Menu',
  '移除照片 {{name}}': 'Remove photo {{name}}',
  '定位后按网格预填，请补充楼栋、门牌': 'Filled in from the grid once located; add the building and door',
  '地址最多 255 个字': 'At most 255 characters',
};
