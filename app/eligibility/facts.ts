import { isResidentIdNumber } from '../../machines/identifiers';
import type { Facts } from './rules';

// The facts a rule reads, built from what the city's records hold. Pure: the server loads the records
// (facts.server.ts), the rule tester builds the same facts from what an admin types.

/** Whole years from `from` to `on` (both YYYY-MM-DD): a birthday or founding day counts on the day itself. */
export function fullYears(from: string, on: string): number {
  const [fy, fm, fd] = from.split('-').map(Number);
  const [oy, om, od] = on.split('-').map(Number);
  return oy - fy - (om < fm || (om === fm && od < fd) ? 1 : 0);
}

const validDate = (iso: string) => {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
};

/** Birth date and sex as a resident ID number (GB 11643) carries them, or null when it is not one. */
export function idNumberFacts(idNumber: string): { birthDate: string; sex: 'male' | 'female' } | null {
  if (!isResidentIdNumber(idNumber)) return null;
  const long = idNumber.length === 18;
  const birth = long ? idNumber.slice(6, 14) : `19${idNumber.slice(6, 12)}`;
  const birthDate = `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`;
  if (!validDate(birthDate)) return null;
  // The order code's last digit (the 17th of 18, the 15th of 15): odd for men, even for women.
  const sexDigit = Number(idNumber[long ? 16 : 14]);
  return { birthDate, sex: sexDigit % 2 === 1 ? 'male' : 'female' };
}

export interface PersonRecord {
  /** The clear ID number, opened on the server; null when the city has none. */
  idNumber: string | null;
  /** The district's code (a department of kind district), when known. */
  district: string | null;
  blacklisted?: boolean | null;
  creditRating?: string | null;
}

/** A person's facts on a day: age, sex and birth date from the ID number, the district, any credit facts held. */
export function personFacts(p: PersonRecord, on: string): Facts {
  const fromId = p.idNumber ? idNumberFacts(p.idNumber) : null;
  const facts: Facts = { subject: 'person', district: p.district ?? null };
  if (fromId) {
    facts.birthDate = fromId.birthDate;
    facts.sex = fromId.sex;
    facts.age = fullYears(fromId.birthDate, on);
  }
  if (p.blacklisted !== undefined && p.blacklisted !== null) facts.blacklisted = p.blacklisted;
  if (p.creditRating) facts.creditRating = p.creditRating;
  return facts;
}

export interface FirmRecord {
  creditCode: string;
  /** GB/T 4754-2017: the section letter, then as many digits as are known ('C', 'C13', 'L7291'). */
  industry: string;
  size: string;
  foundedOn: string;
  district: string | null;
  creditRating: string | null;
  blacklisted: boolean;
}

/** A firm's facts on a day, its years since founding among them. */
export function firmFacts(f: FirmRecord, on: string): Facts {
  return {
    subject: 'firm',
    creditCode: f.creditCode,
    industry: f.industry,
    industrySection: f.industry.slice(0, 1),
    industryDivision: f.industry.length >= 3 ? f.industry.slice(1, 3) : null,
    size: f.size,
    foundedOn: f.foundedOn,
    ageYears: fullYears(f.foundedOn, on),
    district: f.district,
    creditRating: f.creditRating,
    blacklisted: f.blacklisted,
  };
}
