import type { EntityManager } from '@mikro-orm/sql';
import { maskPhone } from '../cases/masking';
import { inTransaction } from '../db/sql.server';
import { InvalidInput } from '../domain/errors';
import { activeBlock } from '../security/blocked-numbers.server';
import { recordSecurityEvent } from '../security/security-log.server';

/** The words a blocked phone reads: no more than that the site cannot serve it, and where to turn instead. */
export const BLOCKED_MESSAGE = '该号码暂时无法使用网上诉求，请拨打 12345';

/**
 * Refuses a phone on the blocked-numbers list before a code is sent or an appeal filed: nothing is written but the
 * security event (in a transaction of its own, since the refused step writes nothing), and the field error says no
 * more than `BLOCKED_MESSAGE`.
 */
export async function refuseBlockedPhone(
  em: EntityManager,
  phone: string,
  step: 'code' | 'submit',
  address: string | null = null,
  now = new Date(),
): Promise<void> {
  const block = await activeBlock(em, phone, now);
  if (!block) return;
  await inTransaction(em, (tx) =>
    recordSecurityEvent(
      tx,
      {
        kind: 'blockedNumberRefused',
        client: { ip: address, userAgent: null },
        detail: { entryId: block.id, phone: maskPhone(phone), step },
      },
      now,
    ),
  );
  throw new InvalidInput(BLOCKED_MESSAGE, { phone: [BLOCKED_MESSAGE] });
}
