import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { AppealSchema } from './appeal';
import { UserSchema } from './user';

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
    uploadedBy: () => p.manyToOne(UserSchema),
  },
});
export type Attachment = InferEntity<typeof AttachmentSchema>;
