import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from './user';

// Settings an admin changes at run time, one row per key; every change is also a security event.
export const AppSettingSchema = defineEntity({
  name: 'AppSetting',
  tableName: 'app_setting',
  properties: {
    key: p.string().length(64).primary(),
    value: p.json<unknown>(),
    updatedAt: p.datetime(),
    updatedBy: () => p.manyToOne(UserSchema).nullable().deleteRule('set null'),
  },
});
export type AppSetting = InferEntity<typeof AppSettingSchema>;
