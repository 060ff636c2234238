import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { ApiClientSchema } from './api-client';
import { AppealSchema } from './appeal';
import { BaseSchema } from './base';
import { CategorySchema } from './category';

// Open311 GeoReport v2: the extra questions a category asks a filing system (its service definition), and what a
// filed request brought beside the appeal itself (the token it can be looked up by, the answers, a media link).

export const QUESTION_DATATYPES = [
  'string',
  'number',
  'datetime',
  'text',
  'singlevaluelist',
  'multivaluelist',
] as const;
export type QuestionDatatype = (typeof QUESTION_DATATYPES)[number];

/** A choice of a list question: `key` is what is sent, `name` what is shown. */
export interface QuestionValue {
  key: string;
  name: string;
}

export const CategoryQuestionSchema = defineEntity({
  name: 'CategoryQuestion',
  tableName: 'category_question',
  extends: BaseSchema,
  uniques: [{ properties: ['category', 'code'] }],
  properties: {
    category: () => p.manyToOne(CategorySchema),
    code: p.string().length(50),
    datatype: p.enum(QUESTION_DATATYPES),
    required: p.boolean().default(false),
    datatypeDescription: p.string().length(255).nullable(),
    /** Where it stands among the category's questions (Open311's `order`). */
    sortOrder: p.integer(),
    description: p.text(),
    /** The choices of a list question (Open311's `values`); null for the others. */
    choices: p.json<QuestionValue[]>().nullable(),
  },
});
export type CategoryQuestion = InferEntity<typeof CategoryQuestionSchema>;

/** One answer: the question's code and words, the value sent (a list question's keys) and what it means. */
export interface Open311Answer {
  code: string;
  question: string;
  value: string | string[];
  shown: string;
}

/** Who the filing system says reported it, kept for the staff only: never part of an Open311 answer. */
export interface Open311Reporter {
  email?: string;
  deviceId?: string;
  accountId?: string;
}

export const Open311TokenSchema = defineEntity({
  name: 'Open311Token',
  tableName: 'open311_token',
  properties: {
    token: p.string().length(64).primary(),
    client: () => p.manyToOne(ApiClientSchema),
    appeal: () => p.manyToOne(AppealSchema).unique().deleteRule('cascade'),
    /** The answers to the category's questions as they were asked when it was filed. */
    answers: p.json<Open311Answer[]>(),
    mediaUrl: p.string().length(2048).nullable(),
    addressId: p.string().length(100).nullable(),
    reporter: p.json<Open311Reporter>(),
    createdAt: p.datetime(),
  },
});
export type Open311Token = InferEntity<typeof Open311TokenSchema>;
