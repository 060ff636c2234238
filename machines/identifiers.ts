// Check characters of the identifiers legal documents print: pure arithmetic, no I/O, so the
// machines' payload schemas and the server use the same rule.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECKS = '10X98765432';

/** A resident ID number (GB 11643): 18 characters whose last is the check character, or the old 15 digits. */
export function isResidentIdNumber(value: string): boolean {
  if (/^\d{15}$/.test(value)) return true;
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  return idNumberCheckCharacter(value.slice(0, 17)) === value[17];
}

/** The check character of the first 17 digits of a resident ID number (ISO 7064 MOD 11-2), or null for no digits. */
export function idNumberCheckCharacter(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return ID_CHECKS[sum % 11];
}

// GB 32100-2015: the unified social credit code (统一社会信用代码) is 18 characters of a 31-character set
// (digits and capitals without I, O, S, V, Z): 1 the registration authority, 2 the kind of body it registers,
// 3-8 the authority's area code (GB/T 2260), 9-17 the organisation code (GB 11714, with its own check character)
// and 18 the check character (ISO 7064 MOD 31-3: weight 3^i mod 31, check = 31 - sum mod 31).
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * The registration authorities (登记管理部门) and the kinds of body each registers (机构类别): the standard's 1, 5,
 * 9 and Y and the authorities assigned since under its rule that other departments take further characters.
 */
export const REGISTRATION_AUTHORITIES: Record<string, { name: string; kinds: string }> = {
  '1': { name: '机构编制', kinds: '1239' },
  '2': { name: '外交', kinds: '19' },
  '3': { name: '司法行政', kinds: '123459' },
  '4': { name: '文化', kinds: '19' },
  '5': { name: '民政', kinds: '1239' },
  '6': { name: '旅游', kinds: '129' },
  '7': { name: '宗教', kinds: '129' },
  '8': { name: '工会', kinds: '19' },
  '9': { name: '工商（市场监管）', kinds: '123' },
  A: { name: '中央军委改革和编制办公室', kinds: '19' },
  N: { name: '农业', kinds: '1239' },
  Y: { name: '其他', kinds: '1' },
};

// GB/T 2260's province-level codes, and 10 for bodies registered by a national authority (100000).
const AREA_PREFIXES = new Set(
  '10 11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82'.split(' '),
);

// GB 11714: the organisation code's eight body characters (digits, capitals A=10 … Z=35) and their weights.
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The check character (the 9th) of an organisation code's first eight characters (GB 11714), or null if they cannot be one. */
export function organisationCodeCheckCharacter(first8: string): string | null {
  if (!/^[0-9A-Z]{8}$/.test(first8)) return null;
  const sum = ORG_WEIGHTS.reduce((acc, w, i) => acc + w * parseInt(first8[i], 36), 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** The check character (the 18th) of the first 17 characters of a unified social credit code, or null if they cannot be one. */
export function creditCodeCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * USCC_WEIGHTS[i];
  }
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

/** What is wrong with a unified social credit code, part by part, in the order the standard builds it. */
export type CreditCodeProblem =
  'length' | 'characters' | 'authority' | 'kind' | 'area' | 'organisationCode' | 'checkCharacter';

/** The first thing wrong with a (normalised) unified social credit code, or null when it is one. */
export function creditCodeProblem(value: string): CreditCodeProblem | null {
  if (value.length !== 18) return 'length';
  for (const ch of value) if (!USCC_CHARS.includes(ch)) return 'characters';
  const authority = REGISTRATION_AUTHORITIES[value[0]];
  if (!authority) return 'authority';
  if (!authority.kinds.includes(value[1])) return 'kind';
  if (!/^\d{6}$/.test(value.slice(2, 8)) || !AREA_PREFIXES.has(value.slice(2, 4))) return 'area';
  if (organisationCodeCheckCharacter(value.slice(8, 16)) !== value[16]) return 'organisationCode';
  if (creditCodeCheckCharacter(value.slice(0, 17)) !== value[17]) return 'checkCharacter';
  return null;
}

/** A unified social credit code (统一社会信用代码, GB 32100): every part well formed and both check characters right. */
export function isUnifiedSocialCreditCode(value: string): boolean {
  return creditCodeProblem(value) === null;
}

/**
 * The whole code from its parts: the organisation code's and the code's check characters computed. The demo
 * city makes its firms' codes with it; null when a part cannot be one.
 */
export function composeCreditCode(parts: { authority: string; kind: string; area: string; organisation: string }) {
  const org = organisationCodeCheckCharacter(parts.organisation);
  if (!org) return null;
  const first17 = `${parts.authority}${parts.kind}${parts.area}${parts.organisation}${org}`;
  const check = creditCodeCheckCharacter(first17);
  const code = check ? first17 + check : null;
  return code && isUnifiedSocialCreditCode(code) ? code : null;
}

/** One spelling: full-width folded, spaces dropped, upper case (the codes have no lower-case letters). */
export function normaliseCode(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}
