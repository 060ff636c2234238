import { z } from 'zod';
import { SATISFACTION_LEVELS } from '../../machines/appeal-events';
import { applyEvent, type AppealServices } from '../appeals/service.server';
import { CITIZEN_ACTOR } from '../cases/actor';
import { parseInput } from '../domain/errors';
import { appealByToken } from './tracking.server';

// The citizen's own rating (评价) of an answered appeal, by its tracking link: it is the callback's feedback for
// an appeal filed on the site, with the same rule as a call — satisfied closes it, dissatisfied leaves it to the
// reviewer, who decides whether it is redone.

export const ratingSchema = z
  .object({
    satisfaction: z.enum(SATISFACTION_LEVELS, { message: '请选择满意程度' }),
    resolved: z.enum(['yes', 'no'], { message: '请选择问题是否解决' }),
    comment: z.string().trim().max(500, '最多 500 字').optional(),
  })
  .strict();

export async function rateWebAppeal(services: AppealServices, token: string, raw: unknown): Promise<void> {
  const input = parseInput(ratingSchema, raw);
  const appeal = await appealByToken(services.db.em(), token);
  // The version read with the link: a reviewer's step in between makes this one stale, not lost.
  await applyEvent(services, {
    appealId: appeal.id,
    expectedVersion: appeal.version,
    type: 'FEEDBACK',
    actor: CITIZEN_ACTOR,
    payload: {
      satisfaction: input.satisfaction,
      resolved: input.resolved === 'yes',
      ...(input.comment ? { comment: input.comment } : {}),
    },
  });
}
