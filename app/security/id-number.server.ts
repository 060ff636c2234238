import { maskIdNumber } from '../cases/masking';
import { dataKeyring, type DataKeyring } from './data-key.server';
import { blindIndex, blindIndexes, seal, unseal } from './sealed.server';

// A citizen's ID number (身份证号) is stored only sealed (citizen.id_number_sealed) beside its blind index
// (citizen.id_number_index). It is opened on the server, to mask it for a screen or to show it to someone
// allowed to reveal it; the clear number is never stored.
const PURPOSE = 'citizen.id_number';

/** One spelling per number: full-width digits and letters folded (NFKC), spaces dropped, the check letter upper case. */
export function normaliseIdNumber(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** The two columns for an ID number, or nulls for none. */
export function sealIdNumber(
  raw: string | null | undefined,
  ring: DataKeyring = dataKeyring(),
): { sealed: string | null; index: string | null } {
  const value = raw ? normaliseIdNumber(raw) : '';
  if (!value) return { sealed: null, index: null };
  return { sealed: seal(ring, PURPOSE, value), index: blindIndex(ring.current, PURPOSE, value) };
}

/** The clear number of a sealed column value (null stays null). */
export function openIdNumber(sealed: string | null | undefined, ring: DataKeyring = dataKeyring()): string | null {
  return sealed ? unseal(ring, PURPOSE, sealed) : null;
}

/** The masked number a screen shows (first 6 and last 4), from the sealed column value. */
export function maskedIdNumber(sealed: string | null | undefined, ring: DataKeyring = dataKeyring()): string {
  return maskIdNumber(openIdNumber(sealed, ring));
}

/** What `citizen.id_number_index in (?)` matches for an exact ID number, under the current and previous keys. */
export function idNumberIndexes(raw: string, ring: DataKeyring = dataKeyring()): string[] {
  return blindIndexes(ring, PURPOSE, normaliseIdNumber(raw));
}
