// English for the supervisor's day: extension approval, report charts, and the assessment (考核) pages.
export const assess: Record<string, string> = {
  '承办单位申请延期 {{days}} 个工作日': 'The handling unit asked for {{days}} working days',
  '申请理由：': 'Reason given: ',
};
