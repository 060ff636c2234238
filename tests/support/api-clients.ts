import type { ApiOperation } from '../../entities/api-client';
import { registerClient, type Issued } from '../../app/api-clients/clients.server';
import type { TestServices } from './services';

let serial = 0;

/** Registers an interface client as the demo admin; its key and signing secret as issued. */
export async function newApiClient(
  t: TestServices,
  operations: ApiOperation[],
  over: { name?: string; rateLimitPerMinute?: number; ipAllowList?: string[] } = {},
): Promise<Issued & { name: string }> {
  const name = over.name ?? `测试系统${++serial}-${Date.now() % 100000}`;
  const adminId = t.as('admin').userId;
  const issued = await registerClient(
    t.em(),
    { userId: adminId },
    { name, contact: '测试联系人 0551-1234567', operations, ...over },
  );
  return { ...issued, name };
}
