import { afterEach, describe, expect, it, vi } from 'vitest';
import { zodWithoutEval } from './zod-jitless';

// zod is imported only after the setting is made, as in the browser, where the root route loads first.
describe('zod without eval in the browser', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('builds and runs object schemas without ever calling Function', async () => {
    vi.stubGlobal('document', {});
    zodWithoutEval();
    const calls: unknown[] = [];
    vi.stubGlobal(
      'Function',
      new Proxy(Function, {
        construct(_target, args) {
          calls.push(args);
          throw new EvalError('no eval under the page policy');
        },
      }),
    );
    const { z } = await import('zod');
    const schema = z.object({ phone: z.string(), photos: z.array(z.object({ name: z.string() })) });
    expect(schema.parse({ phone: '13800000000', photos: [{ name: 'a.jpg' }] })).toEqual({
      phone: '13800000000',
      photos: [{ name: 'a.jpg' }],
    });
    expect(z.config().jitless).toBe(true);
    expect(calls).toEqual([]);
  });
});
