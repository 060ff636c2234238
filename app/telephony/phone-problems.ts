import { softphoneErrorCode, type SoftphoneErrorCode } from '../../telephony/softphone-error';

// What a user reads when the phone fails: what happened and what to do, in Chinese (English through
// i18n), never the softphone's own technical message.

/** Where the failure happened: a callback (回访) has its own way out, recording the result by hand. */
export type PhoneTask = 'callback' | 'call';

const UNAVAILABLE: Record<PhoneTask, string> = {
  callback: '电话系统暂不可用，请稍后再拨或手工登记回访结果',
  call: '电话系统暂不可用，请稍后再拨；来电可手工登记',
};

const BY_CODE: Record<Exclude<SoftphoneErrorCode, 'unreachable' | 'notStarted'>, string> = {
  busy: '正在通话中，请先挂断当前通话再拨',
  noCall: '当前没有可操作的通话',
  invalidTarget: '号码无效，请检查后重拨',
  noQueue: '未配置热线队列，无法就绪接听，请联系管理员',
};

/** Every message this module can give, for the pages and tests that list them. */
export const PHONE_PROBLEMS = [...Object.values(UNAVAILABLE), ...Object.values(BY_CODE), '电话操作失败，请稍后重试'];

/** The message for a failed phone step; anything the softphone does not name is a generic failure. */
export function phoneProblem(err: unknown, task: PhoneTask = 'call'): string {
  const code = softphoneErrorCode(err);
  if (code === 'unreachable' || code === 'notStarted') return UNAVAILABLE[task];
  if (code) return BY_CODE[code];
  // Our own messages (the callback number could not be fetched …) are already written for the user.
  if (err instanceof PhoneProblem) return err.message;
  return '电话操作失败，请稍后重试';
}

/** A failure whose message is already one for the user (Chinese, with an English entry). */
export class PhoneProblem extends Error {}
