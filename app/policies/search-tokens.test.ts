import { describe, expect, it } from 'vitest';
import { indexTokens, queryTerms, queryTokens } from './search-tokens';

describe('policy search tokens', () => {
  it('indexes each Han character and each neighbouring pair', () => {
    expect(indexTokens('高龄津贴')).toEqual(['高', '高龄', '龄', '龄津', '津', '津贴', '贴'].sort());
  });

  it('keeps runs apart: no pair across punctuation, latin or digits', () => {
    const tokens = indexTokens('豫政办〔2022〕78号 创业补贴');
    expect(tokens).toContain('创业');
    expect(tokens).toContain('补贴');
    expect(tokens).not.toContain('办号');
    expect(tokens).not.toContain('号创');
  });

  it('asks a two-character word as one token, a longer word as its pairs, a lone character as itself', () => {
    expect(queryTokens('津贴')).toEqual(['津贴']);
    expect(queryTokens('贷款贴息')).toEqual(['款贴', '贷款', '贴息'].sort());
    expect(queryTokens('补')).toEqual(['补']);
    expect(queryTokens('ZC-0001')).toEqual([]);
  });

  it('folds full-width forms and case, and splits a query on spaces and Chinese punctuation', () => {
    expect(queryTerms('　高龄，津贴  ＡＢＣ')).toEqual(['高龄', '津贴', 'abc']);
    expect(queryTerms('a b c d e f g')).toHaveLength(5);
  });
});
