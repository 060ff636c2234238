import { describe, expect, it } from 'vitest';
import { firmFacts, fullYears, idNumberFacts, personFacts } from './facts';

describe('facts the city holds', () => {
  it('reads birth date and sex from an ID number of 18 or 15 characters', () => {
    expect(idNumberFacts('11010519491231002X')).toEqual({ birthDate: '1949-12-31', sex: 'female' });
    expect(idNumberFacts('110101199003071233')).toEqual({ birthDate: '1990-03-07', sex: 'male' });
    expect(idNumberFacts('110105491231002')).toEqual({ birthDate: '1949-12-31', sex: 'female' });
    expect(idNumberFacts('110105194912310021')).toBeNull(); // wrong check character
  });

  it('counts full years: the birthday itself counts', () => {
    expect(fullYears('1946-12-02', '2026-12-02')).toBe(80);
    expect(fullYears('1946-12-03', '2026-12-02')).toBe(79);
    expect(fullYears('1946-11-30', '2026-12-02')).toBe(80);
    expect(fullYears('1948-02-29', '2028-02-28')).toBe(79);
    expect(fullYears('1948-02-29', '2028-02-29')).toBe(80);
  });

  it('builds a person: age on the day asked, district, and no ID facts without an ID number', () => {
    expect(personFacts({ idNumber: '11010519491231002X', district: 'D02' }, '2026-12-02')).toEqual({
      subject: 'person',
      district: 'D02',
      birthDate: '1949-12-31',
      sex: 'female',
      age: 76,
    });
    expect(personFacts({ idNumber: '11010519491231002X', district: null }, '2029-12-31').age).toBe(80);
    expect(personFacts({ idNumber: null, district: null }, '2026-12-02')).toEqual({
      subject: 'person',
      district: null,
    });
    expect(
      personFacts({ idNumber: null, district: null, blacklisted: true, creditRating: 'C' }, '2026-12-02'),
    ).toMatchObject({
      blacklisted: true,
      creditRating: 'C',
    });
  });

  it('builds a firm: industry section and division, years since founding', () => {
    const f = firmFacts(
      {
        creditCode: '91330100716105852F',
        industry: 'L7291',
        size: 'micro',
        foundedOn: '2023-12-03',
        district: 'D03',
        creditRating: 'B',
        blacklisted: false,
      },
      '2026-12-02',
    );
    expect(f).toEqual({
      subject: 'firm',
      creditCode: '91330100716105852F',
      industry: 'L7291',
      industrySection: 'L',
      industryDivision: '72',
      size: 'micro',
      foundedOn: '2023-12-03',
      ageYears: 2,
      district: 'D03',
      creditRating: 'B',
      blacklisted: false,
    });
    expect(
      firmFacts(
        {
          ...f,
          industry: 'C',
          creditCode: 'x',
          size: 'small',
          foundedOn: '2020-01-01',
          district: null,
          creditRating: 'A',
          blacklisted: true,
        },
        '2026-12-02',
      ),
    ).toMatchObject({ industrySection: 'C', industryDivision: null, ageYears: 6 });
  });
});
