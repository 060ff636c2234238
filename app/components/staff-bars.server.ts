import type { ComponentType } from 'react';
import StaffBars, { type StaffBarsProps } from './staff-bars';

/**
 * The staff bars as the server renders them: imported in place, so every staff page's HTML has its header,
 * softphone and queues. In the browser this module is empty and the root layout loads the bars as their own
 * chunk, which the citizens' pages never fetch.
 */
export const staffBarsOnServer: ComponentType<StaffBarsProps> | undefined = StaffBars;
