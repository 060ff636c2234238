// Two-factor sign-in: the second step, enrolment and the admin's settings.
export const mfa: Record<string, string> = {
  双因素验证: 'Two-factor verification',
  '{{name}}，请输入验证器上的 6 位验证码，或一个恢复码。':
    '{{name}}, enter the 6-digit code from your authenticator app, or a recovery code.',
  '验证失败次数过多，本次登录已结束。': 'Too many wrong codes: this sign-in has ended.',
  重新登录: 'Sign in again',
  验证码或恢复码: 'Code or recovery code',
  '验证码不正确或已使用，还可尝试 {{n}} 次': 'The code is wrong or was used already; {{n}} tries left',
  验证: 'Verify',
  '请在 5 分钟内完成验证；连续 5 次错误需重新登录。':
    'Finish within 5 minutes; after 5 wrong codes you must sign in again.',
  双因素认证: 'Two-factor authentication',
  '您的账号（{{name}}）必须启用双因素认证后才能继续使用系统。':
    'Your account ({{name}}) must set up two-factor authentication before you can go on.',
  双因素认证已启用: 'Two-factor authentication is on',
  '请把下面的恢复码抄写或打印后妥善保存：手机丢失时，每个恢复码可代替验证码使用一次。它们只显示这一次。':
    'Write down or print these recovery codes and keep them safe: if you lose your phone, each one works once instead of a code. They are shown only now.',
  '我已保存恢复码，继续': 'I have saved the recovery codes, continue',
  '（演示账号：使用公开的演示密钥）': ' (demo account: uses the published demo secret)',
  '剩余恢复码：{{n}} 个': 'Recovery codes left: {{n}}',
  '您的账号必须使用双因素认证。更换手机请联系管理员重置。':
    'Your account must use two-factor authentication. For a new phone, ask an administrator to reset it.',
  停用双因素认证: 'Turn off two-factor authentication',
  设置验证器: 'Set up your authenticator',
  '在手机上打开验证器应用（如 Microsoft Authenticator、Google 身份验证器、FreeOTP）。':
    'Open an authenticator app on your phone (such as Microsoft Authenticator, Google Authenticator, FreeOTP).',
  '扫描下面的二维码；无法扫描时，手动输入密钥。': 'Scan the QR code below; if you cannot, enter the secret by hand.',
  '输入应用显示的 6 位验证码，确认启用。': 'Enter the 6-digit code the app shows to switch it on.',
  二维码: 'QR code',
  '密钥（手动输入）': 'Secret (for manual entry)',
  '账号：{{name}} · 发行方：12345 热线': 'Account: {{name}} · issuer: 12345 热线',
  确认启用: 'Switch on',
  验证码: 'Code',
  验证码不正确: 'Wrong code',
  '验证码不正确或已过期，请输入验证器上当前的 6 位数字':
    'Wrong or expired code: enter the 6 digits your authenticator shows now',
  '请输入 6 位验证码': 'Enter the 6-digit code',
  请刷新页面后重新设置: 'Reload the page and set it up again',
  您的账号必须使用双因素认证: 'Your account must use two-factor authentication',
  双因素: 'Two-factor',
  已启用: 'On',
  未启用: 'Off',
  '重置双因素认证 {{name}}': 'Reset two-factor authentication of {{name}}',
  重置双因素认证: 'Reset two-factor authentication',
  '手机丢失或更换时使用：删除验证器和恢复码，该用户的会话全部失效，下次登录重新设置。':
    "For a lost or new phone: removes the authenticator and recovery codes and ends the user's sessions; the user sets it up again at the next sign-in.",
  '该用户尚未启用双因素认证。': 'This user has not set up two-factor authentication.',
  双因素认证要求: 'Two-factor authentication required for',
  '仅管理员和值班长（始终必须）': 'Administrators and supervisors only (always)',
  全部工作人员: 'All staff',
  保存设置: 'Save setting',
  只有管理员可以修改此设置: 'Only administrators can change this setting',
};
