import type { CreditCodeProblem } from '../../machines/identifiers';

// What a form or a refused file says about a wrong unified social credit code, part by part (GB 32100).
export const CREDIT_CODE_MESSAGES: Record<CreditCodeProblem, string> = {
  length: '统一社会信用代码应为 18 位',
  characters: '统一社会信用代码只含数字和大写字母（不含 I、O、S、V、Z）',
  authority: '统一社会信用代码第 1 位（登记管理部门）不正确',
  kind: '统一社会信用代码第 2 位（机构类别）与登记管理部门不符',
  area: '统一社会信用代码第 3–8 位（登记管理机关行政区划码）不正确',
  organisationCode: '统一社会信用代码第 9–17 位（组织机构代码）校验不通过',
  checkCharacter: '统一社会信用代码校验位不正确，请核对',
};
