import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { CategorySchema } from './category';
import { DepartmentSchema } from './department';

// Answers operators can give on the call. validFrom/validTo are local dates (YYYY-MM-DD), both inclusive:
// policies change on a known day, and an expired answer must stop showing on that day.
export const KnowledgeArticleSchema = defineEntity({
  name: 'KnowledgeArticle',
  tableName: 'knowledge_article',
  extends: BaseSchema,
  properties: {
    title: p.string().length(200),
    body: p.text(),
    category: () => p.manyToOne(CategorySchema).nullable(),
    department: () => p.manyToOne(DepartmentSchema).nullable(),
    validFrom: p.date().nullable(),
    validTo: p.date().nullable(),
    active: p.boolean().default(true),
  },
});
export type KnowledgeArticle = InferEntity<typeof KnowledgeArticleSchema>;
