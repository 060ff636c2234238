import { cityEventOperations } from '../city-events/api-description.server';
import { SUBSCRIPTIONS_API } from '../webhooks/subscriptions.server';
import type { ApiOperationDescription } from './api-description';
import { PING_DESCRIPTION } from './ping.server';

/** Every interface operation the OpenAPI document describes; each interface module adds its own descriptions. */
export const API_DESCRIPTIONS: readonly ApiOperationDescription[] = [
  PING_DESCRIPTION,
  ...cityEventOperations,
  ...SUBSCRIPTIONS_API,
];
