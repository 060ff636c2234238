import type { Role } from '../../machines/actor';
import { can } from './permissions';

// Where signing in ends. A sign-in that was sent from a page goes back to it; one that started from nothing
// (the home page or the bare login page) goes to the user's own work: the grid worker's phone pages, an
// agency's referral cases, everyone else's home page of queues.

export const HOME_PATH = '/';

/** The page a sign-in lands on: `requested` when it names a page, else the home of the user's role. */
export function landingPath(who: { role: Role }, requested: string = HOME_PATH): string {
  if (requested !== HOME_PATH) return requested;
  if (can(who, 'field:work')) return '/field';
  if (can(who, 'referrals:agency')) return '/referrals';
  return HOME_PATH;
}
