import { beforeAll, describe, expect, it } from 'vitest';
import { Forbidden, InvalidInput } from '../../app/domain/errors';
import {
  createArticle,
  deactivateArticle,
  listArticles,
  searchArticles,
  searchForActor,
  updateArticle,
} from '../../app/knowledge/knowledge.server';
import { seedKnowledgeArticles } from '../../app/seed/knowledge-articles.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// Noon in Shanghai on 2026-06-15.
const AT = new Date('2026-06-15T04:00:00Z');

describe.each(DB_KINDS)('knowledge base on %s', (kind) => {
  const t = useTestServices(kind);
  beforeAll(async () => {
    // The template holds the demo articles; these tests reason about an empty knowledge base.
    await t.sql('delete from knowledge_article');
  });
  const count = async () => (await t.sql<{ n: number }>('select count(*)::int as n from knowledge_article'))[0].n;
  const titles = async (q: string, opts: { categoryId?: number; at?: Date } = {}) =>
    (await searchArticles(t.em(), q, { at: AT, limit: 20, ...opts })).map((a) => a.title);

  it('finds active articles valid on the day, title matches first', async () => {
    const dept = t.ids.departments.get('F06')!;
    const cat = t.ids.categories.get('06')!;
    await createArticle(t.em(), t.as('admin'), {
      title: '失业保险金申领',
      body: '申领失业保险金需满足缴费满一年等条件，可在线申请。',
      departmentId: String(dept),
      categoryId: String(cat),
    });
    await createArticle(t.em(), t.as('admin'), {
      title: '职业技能提升补贴',
      body: '参加失业保险累计缴费满一年，取得职业资格证书的可申领补贴。',
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
    });
    const hits = await searchArticles(t.em(), '失业保险', { at: AT, limit: 10 });
    expect(hits.map((h) => h.title)).toEqual(['失业保险金申领', '职业技能提升补贴']);
    expect(hits[0]).toMatchObject({ department: '市人力资源和社会保障局' });
    expect(hits[0].body).toContain('缴费满一年');
    // Every word must match; a category filter also finds articles filed under the parent category.
    expect(await titles('失业 在线')).toEqual(['失业保险金申领']);
    expect(await titles('失业保险', { categoryId: t.ids.categories.get('0601')! })).toEqual(['失业保险金申领']);
    // LIKE wildcards in the query are plain characters.
    expect(await titles('%')).toEqual([]);
  });

  it('leaves out expired, not yet valid and deactivated articles', async () => {
    await createArticle(t.em(), t.as('admin'), {
      title: '旧版医保报销比例',
      body: '2025 年度住院报销比例说明，已被新政策取代。',
      validTo: '2026-06-14',
    });
    await createArticle(t.em(), t.as('admin'), {
      title: '新版医保报销比例',
      body: '2026 年 7 月起住院报销比例调整说明。',
      validFrom: '2026-06-16',
    });
    await createArticle(t.em(), t.as('admin'), {
      title: '今日起医保报销比例',
      body: '当日生效的报销比例说明，生效日当天即可查到。',
      validFrom: '2026-06-15',
      validTo: '2026-06-15',
    });
    const { id } = await createArticle(t.em(), t.as('admin'), {
      title: '医保报销停用条目',
      body: '已停用的条目不应再被查到。',
    });
    // Equal title matches: the most recently edited first.
    expect(await titles('医保报销')).toEqual(['医保报销停用条目', '今日起医保报销比例']);
    await deactivateArticle(t.em(), t.as('admin'), id);
    expect(await titles('医保报销')).toEqual(['今日起医保报销比例']);
    // The validity window follows the local (UTC+08:00) date: 2026-06-16 00:30 in Shanghai is still 2026-06-15 in UTC.
    expect(await titles('医保报销', { at: new Date('2026-06-15T16:30:00Z') })).toEqual(['新版医保报销比例']);
    expect(await titles('医保报销', { at: new Date('2026-06-14T15:00:00Z') })).toEqual(['旧版医保报销比例']);
  });

  it('lets only admins write, and writes nothing on bad input', async () => {
    const before = await count();
    await expect(
      createArticle(t.em(), t.as('operator'), { title: '越权新增', body: '话务员不能新增知识条目。' }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(listArticles(t.em(), t.as('dispatcher'))).rejects.toBeInstanceOf(Forbidden);
    const bad = await createArticle(t.em(), t.as('admin'), {
      title: ' ',
      body: '短',
      validFrom: '2026-02-30',
      validTo: '2026-01-01',
      categoryId: '999999',
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(InvalidInput);
    expect(Object.keys((bad as InvalidInput).fieldErrors).sort()).toEqual(['body', 'title', 'validFrom']);
    const order = await createArticle(t.em(), t.as('admin'), {
      title: '有效期颠倒',
      body: '失效日期早于生效日期。',
      validFrom: '2026-03-01',
      validTo: '2026-01-01',
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((order as InvalidInput).fieldErrors.validTo).toEqual(['失效日期不能早于生效日期']);
    const unknown = await createArticle(t.em(), t.as('admin'), {
      title: '未知分类',
      body: '分类编号不存在。',
      categoryId: '999999',
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((unknown as InvalidInput).fieldErrors).toEqual({ categoryId: ['分类不存在'] });
    expect(await count()).toBe(before);
  });

  it('updates an article and serves operators but not departments', async () => {
    const { id } = await createArticle(t.em(), t.as('admin'), {
      title: '养犬登记办理',
      body: '携带犬只免疫证明到辖区派出所办理。',
    });
    await updateArticle(t.em(), t.as('admin'), id, {
      title: '养犬登记办理（更新）',
      body: '可在线办理养犬登记，免疫证明上传即可。',
    });
    await expect(updateArticle(t.em(), t.as('handler'), id, { title: 'x', body: 'y' })).rejects.toBeInstanceOf(
      Forbidden,
    );
    const hits = await searchForActor(t.em(), t.as('operator'), { q: '养犬' });
    expect(hits.map((h) => h.title)).toEqual(['养犬登记办理（更新）']);
    await expect(searchForActor(t.em(), t.as('handler'), { q: '养犬' })).rejects.toBeInstanceOf(Forbidden);
  });

  it('seeds the demo articles once', async () => {
    await t.sql('delete from knowledge_article');
    expect(await seedKnowledgeArticles(t.em(), t.ids)).toBe(8);
    expect(await seedKnowledgeArticles(t.em(), t.ids)).toBe(0);
    expect(await titles('新生儿')).toEqual(['新生儿户口登记办理材料']);
    expect((await listArticles(t.em(), t.as('admin'))).filter((a) => a.categoryId !== null).length).toBeGreaterThan(5);
  });
});
