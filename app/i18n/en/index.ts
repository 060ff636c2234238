import { admin } from './admin';
import { appeal } from './appeal';
import { common } from './common';
import { field } from './field';
import { gridView } from './grid-view';
import { grids } from './grids';
import { intake } from './intake';
import { appealLocation } from './location';
import { messages } from './messages';
import { mfa } from './mfa';
import { patrol } from './patrol';
import { queues } from './queues';
import { reportExports } from './report-exports';
import { referrals } from './referrals';
import { reports } from './reports';
import { security } from './security';
import { softphone } from './softphone';
import { telephony } from './telephony';
import { verification } from './verification';

/** English for every Chinese UI string, gathered per area of the app. */
export const en: Record<string, string> = {
  ...common,
  ...appeal,
  ...intake,
  ...admin,
  ...messages,
  ...telephony,
  ...softphone,
  ...gridView,
  ...grids,
  ...field,
  ...appealLocation,
  ...verification,
  ...patrol,
  ...reportExports,
  ...reports,
  ...referrals,
  ...security,
  ...mfa,
  ...queues,
};
