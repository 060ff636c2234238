import { citizen } from './citizen';
import { common } from './common';
import { messages } from './messages';

/**
 * The English of the citizens' site (/c): the shared words, the server's refusals, and the site's own strings,
 * which win where a staff screen words the same Chinese otherwise (已受理 is "Received" for a citizen).
 */
export const citizenSite: Record<string, string> = { ...common, ...messages, ...citizen };
