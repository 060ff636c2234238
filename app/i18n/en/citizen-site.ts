import { citizen } from './citizen';
import { common } from './common';

/** The English of the citizens' site (/c): its own strings and the shared ones, merged in the order of ./index. */
export const citizenSite: Record<string, string> = { ...citizen, ...common };
