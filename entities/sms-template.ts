import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { UserSchema } from './user';

// The text of each kind of message to citizens (受理, 答复, 重新受理), edited by the admin. A step renders
// the current text into the outbox row when it queues the message; rows already queued keep theirs.
export const SmsTemplateSchema = defineEntity({
  name: 'SmsTemplate',
  tableName: 'sms_template',
  extends: BaseSchema,
  properties: {
    /** Which message: the code the appeal's steps queue it by (`received`, `replied`, `reopened`). */
    code: p.string().length(50).unique(),
    name: p.string().length(100),
    /** Text with placeholders such as {appealNo}; {appealNo} is always there. */
    body: p.text(),
    updatedBy: () => p.manyToOne(UserSchema).nullable().deleteRule('set null'),
  },
});
export type SmsTemplate = InferEntity<typeof SmsTemplateSchema>;
