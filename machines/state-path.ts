import type { StateValue } from 'xstate';
import { z } from 'zod';

// How every case machine's state value is stored and read back.

/** A state value as a dotted path (`handling.working`): how phases are stored and compared. */
export function stateValuePath(value: StateValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  const [key] = Object.keys(value);
  if (key === undefined) return '';
  const rest = stateValuePath(value[key] as StateValue | undefined);
  return rest ? `${key}.${rest}` : key;
}

/** A persisted state value: a state name, or nested regions and substates. */
export const stateValueSchema: z.ZodType<StateValue> = z.union([
  z.string(),
  z.record(
    z.string(),
    z.lazy(() => stateValueSchema.optional()),
  ),
]) as z.ZodType<StateValue>;
