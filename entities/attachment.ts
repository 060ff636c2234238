import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { AppealSchema } from './appeal';
import { UserSchema } from './user';

/** Where a photo belongs in a self-handled patrol report: the problem, or the work done. */
export const ATTACHMENT_STAGES = ['before', 'after'] as const;
export type AttachmentStage = (typeof ATTACHMENT_STAGES)[number];

// Metadata of a stored file; the bytes live under the data folder at `storagePath`.
export const AttachmentSchema = defineEntity({
  name: 'Attachment',
  tableName: 'attachment',
  extends: BaseSchema,
  properties: {
    appeal: () => p.manyToOne(AppealSchema),
    fileName: p.string().length(255),
    contentType: p.string().length(100),
    size: p.integer(),
    sha256: p.string().length(64),
    storagePath: p.string().length(500),
    /** Null for a citizen's photo filed on the public site: no staff account uploaded it. */
    uploadedBy: () => p.manyToOne(UserSchema).nullable(),
    stage: p.enum(ATTACHMENT_STAGES).nullable(),
  },
});
export type Attachment = InferEntity<typeof AttachmentSchema>;
