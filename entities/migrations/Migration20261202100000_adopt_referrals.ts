import { Migration } from '@mikro-orm/migrations';
import type { AppealServices } from '../../app/appeals/service.server';
import { adoptWaitingReferrals } from '../../app/case-links/adopt.server';
import { transactionTimers } from '../../app/jobs/timers.server';

// Appeals referred before referral cases existed get their cases, once: each opened through the case
// kernel in this migration's transaction (REFER_ON from no case, audited, its first legal clock's
// timers scheduled). Where no active agency of the kind exists, one is created to rename and staff.
export class Migration20261202100000_adopt_referrals extends Migration {
  override name = 'Migration20261202100000_adopt_referrals';

  override async up(): Promise<void> {
    await this.adopt();
  }

  /** The adoption itself: how many appeals got their case. */
  async adopt(log: (line: string) => void = (line) => console.log(line)): Promise<number> {
    const em = this.getEntityManager();
    const { timers, stop } = await transactionTimers(em);
    try {
      const services: AppealServices = { db: { em: () => em }, timers };
      return await adoptWaitingReferrals(services, em, log);
    } finally {
      await stop();
    }
  }

  override async down(): Promise<void> {
    // The cases opened here are real cases by now: they stay.
  }
}
