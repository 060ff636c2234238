import { describe, expect, it } from 'vitest';
import {
  composeCreditCode,
  creditCodeCheckCharacter,
  creditCodeProblem,
  idNumberCheckCharacter,
  isResidentIdNumber,
  isUnifiedSocialCreditCode,
  normaliseCode,
  organisationCodeCheckCharacter,
} from './identifiers';

// Codes as printed on business licences: firms, a public institution and a social organisation.
const VALID = [
  '91330100716105852F', // a company registered in Hangzhou
  '91440300708461136T', // a company registered in Shenzhen
  '914403001922038216', // a company registered in Shenzhen, check character a digit
  '91110000600037341L', // registered in Beijing
  '91350100M000100Y43', // the demo arbitration's respondent
  '12100000400000624D', // 机构编制 · 事业单位, registered nationally (100000)
  '51100000500010993L', // 民政 · 社会团体
];

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts codes whose every part and both check characters are right', () => {
    for (const code of VALID) expect(creditCodeProblem(code), code).toBeNull();
    for (const code of VALID) expect(isUnifiedSocialCreditCode(code), code).toBe(true);
  });

  it('refuses each valid code with any other 18th character', () => {
    const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (const code of VALID) {
      for (const c of chars) {
        if (c === code[17]) continue;
        expect(creditCodeProblem(code.slice(0, 17) + c), code.slice(0, 17) + c).toBe('checkCharacter');
      }
    }
  });

  it('computes the check character by weights 3^i mod 31 and 31 - sum mod 31', () => {
    expect(creditCodeCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckCharacter('91330100716105852')).toBe('F');
    expect(creditCodeCheckCharacter('91440300192203821')).toBe('6');
    // sum mod 31 = 0 gives check 0, never the 31st character
    expect(creditCodeCheckCharacter('00000000000000000')).toBe('0');
    expect(creditCodeCheckCharacter('9135010')).toBeNull();
    expect(creditCodeCheckCharacter('9135010OM000100Y4')).toBeNull();
  });

  it('checks the organisation code (GB 11714) inside it, with X for 10 and 0 for 11', () => {
    expect(organisationCodeCheckCharacter('71610585')).toBe('2');
    expect(organisationCodeCheckCharacter('M000100Y')).toBe('4');
    expect(organisationCodeCheckCharacter('60003734')).toBe('1');
    expect(organisationCodeCheckCharacter('00000001')).toBe('9'); // 1×2 = 2: 11 - 2
    expect(organisationCodeCheckCharacter('00000006')).toBe('X'); // 6×2 = 12 ≡ 1: 11 - 1 = 10 is X
    expect(organisationCodeCheckCharacter('00000000')).toBe('0'); // 0: 11 - 0 = 11 is 0
    expect(organisationCodeCheckCharacter('0000000A')).toBe('2'); // A = 10: 20 ≡ 9
    expect(organisationCodeCheckCharacter('abc')).toBeNull();
    // A code whose 17th character is not its organisation code's check character is refused for that reason,
    // even when its own 18th character was computed over the wrong 17th.
    const body = '91330100716105853';
    expect(creditCodeProblem(body + creditCodeCheckCharacter(body))).toBe('organisationCode');
  });

  it('names the first part that is wrong', () => {
    expect(creditCodeProblem('91330100716105852')).toBe('length');
    expect(creditCodeProblem('91330100716105852FF')).toBe('length');
    expect(creditCodeProblem('9133010071610585IF')).toBe('characters'); // I is not in the code set
    expect(creditCodeProblem('91330100716105852S')).toBe('characters');
    expect(creditCodeProblem('B1330100716105852F')).toBe('authority'); // B is no registration authority
    expect(creditCodeProblem('94330100716105852F')).toBe('kind'); // 工商 registers kinds 1, 2 and 3 only
    expect(creditCodeProblem('Y2330100716105852F')).toBe('kind');
    expect(creditCodeProblem('91990100716105852F')).toBe('area'); // no province 99
    expect(creditCodeProblem('9133A100716105852F')).toBe('area');
  });

  it('composes a code from its parts that passes its own check, as the demo firms are made', () => {
    const code = composeCreditCode({ authority: '9', kind: '1', area: '330100', organisation: 'MA2B3C4D' });
    expect(code).toBe('91330100MA2B3C4D1A');
    expect(isUnifiedSocialCreditCode(code!)).toBe(true);
    expect(composeCreditCode({ authority: '9', kind: '4', area: '330100', organisation: 'MA2B3C4D' })).toBeNull();
    expect(composeCreditCode({ authority: '9', kind: '1', area: '330100', organisation: 'MA2B3C4' })).toBeNull();
  });

  it('reads codes typed in full-width or lower case with spaces as one spelling', () => {
    expect(normaliseCode(' ９１３３０１００７１６１０５８５２ｆ ')).toBe('91330100716105852F');
    expect(normaliseCode('9133 0100 7161 0585 2f')).toBe('91330100716105852F');
  });
});

describe('resident ID number (GB 11643)', () => {
  it('computes the check character by ISO 7064 MOD 11-2, X for 10', () => {
    expect(idNumberCheckCharacter('11010519491231002')).toBe('X');
    expect(idNumberCheckCharacter('11010119440506002')).toBe('4');
    expect(idNumberCheckCharacter('1101011944050600')).toBeNull();
    expect(idNumberCheckCharacter('1101011944050600A')).toBeNull();
  });

  it('accepts a number only with its own check character', () => {
    expect(isResidentIdNumber('11010519491231002X')).toBe(true);
    for (const c of '0123456789') expect(isResidentIdNumber(`11010519491231002${c}`)).toBe(false);
  });
});
