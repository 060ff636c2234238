import type { AppealEventType } from '../../machines/appeal-events';

// The steps whose form carries files (办理答复, 协办意见): the page sends them as multipart, the server stores them
// with the step in one transaction and names them in its audit row.
export const STEPS_WITH_FILES: readonly AppealEventType[] = ['REPLY', 'ASSIST_OPINION'];
export const MAX_STEP_FILES = 5;
/** The text fields of those forms; prose, so up to the longest text an event takes. */
export const STEP_TEXT_FIELDS = ['intent', 'version', 'result', 'resolved', 'assistOverride', 'text'] as const;
export const STEP_TEXT_MAX = 4000;
