import { z } from 'zod';
import { CALLBACK_EVENT_TYPES } from '../../machines/beneficiary-callback';

// The callback page's forms as typed: yes / no answers as radio values, an empty problem as none. The machine's
// schemas check the payload again in the kernel.

const yesNo = z.enum(['yes', 'no']).transform((v) => v === 'yes');
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const callbackFormSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('ATTEMPT_FAILED'), version: z.coerce.number().int(), reason: z.string() }),
  z.object({
    intent: z.literal('RECORD_RESULT'),
    version: z.coerce.number().int(),
    received: yesNo,
    amountRight: yesNo,
    onTime: yesNo,
    satisfaction: z.string(),
    problem: optionalText,
  }),
  z.object({ intent: z.literal('CANCEL'), version: z.coerce.number().int(), reason: z.string() }),
]);

/** The step a callback form asks for: its event type, the version seen and the payload. */
export function callbackCommandOf(form: Record<string, unknown>) {
  const parsed = callbackFormSchema.safeParse(form);
  if (!parsed.success) return null;
  const { intent, version, ...payload } = parsed.data;
  if (!CALLBACK_EVENT_TYPES.includes(intent)) return null;
  return { type: intent, expectedVersion: version, payload };
}
