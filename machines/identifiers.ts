// Check characters of the identifiers legal documents print: pure arithmetic, no I/O, so the
// machines' payload schemas and the server use the same rule.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECKS = '10X98765432';

/** A resident ID number (GB 11643): 18 characters whose last is the check character, or the old 15 digits. */
export function isResidentIdNumber(value: string): boolean {
  if (/^\d{15}$/.test(value)) return true;
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(value[i]), 0);
  return ID_CHECKS[sum % 11] === value[17];
}

// GB 32100: the unified social credit code's 31 characters (no I, O, S, V, Z) and its weights.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

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

/** A unified social credit code (统一社会信用代码, GB 32100): 18 characters ending in the right check character. */
export function isUnifiedSocialCreditCode(value: string): boolean {
  return value.length === 18 && creditCodeCheckCharacter(value.slice(0, 17)) === value[17];
}

/** One spelling: full-width folded, spaces dropped, upper case (the codes have no lower-case letters). */
export function normaliseCode(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}
