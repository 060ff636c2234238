import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { DepartmentSchema } from './department';

/** 大型、中型、小型、微型企业 as the 划型 standard names them. */
export const FIRM_SIZES = ['micro', 'small', 'medium', 'large'] as const;
export type FirmSize = (typeof FIRM_SIZES)[number];

/** The public credit rating (公共信用综合评价), best first. */
export const CREDIT_RATINGS = ['A', 'B', 'C', 'D'] as const;
export type CreditRating = (typeof CREDIT_RATINGS)[number];

// A firm the city knows (企业): named by its unified social credit code (GB 32100, checked by
// machines/identifiers.ts), with the facts policies ask about. `industry` is a GB/T 4754-2017 code as precise as
// is known: the section letter alone ('C') or with its division, group or class digits ('L7291'). `district` is
// the city district (a department of kind district) it is registered in. A firm on the blacklist (失信名单)
// is never matched to a policy; `version` guards every edit against a lost update.
export const FirmSchema = defineEntity({
  name: 'Firm',
  tableName: 'firm',
  extends: BaseSchema,
  properties: {
    creditCode: p.string().length(18).unique(),
    name: p.string().length(200),
    industry: p.string().length(5),
    size: p.enum(FIRM_SIZES),
    foundedOn: p.date(),
    district: () => p.manyToOne(DepartmentSchema).index(),
    creditRating: p.enum(CREDIT_RATINGS),
    blacklisted: p.boolean().default(false),
    blacklistReason: p.string().length(200).nullable(),
    blacklistedSince: p.date().nullable(),
    version: p.integer().version(),
  },
});
export type Firm = InferEntity<typeof FirmSchema>;

// A phone that reaches a firm (法定代表人, 财务负责人, 联系人): a caller's number finds the firm or firms it
// speaks for. One phone may speak for several firms (a bookkeeper), and a firm has several phones.
export const FirmContactSchema = defineEntity({
  name: 'FirmContact',
  tableName: 'firm_contact',
  uniques: [{ name: 'firm_contact_firm_phone_unique', properties: ['firm', 'phone'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    firm: () => p.manyToOne(FirmSchema).deleteRule('cascade'),
    phone: p.string().length(32).index(),
    name: p.string().length(100).nullable(),
    role: p.string().length(50).nullable(),
  },
});
export type FirmContact = InferEntity<typeof FirmContactSchema>;
