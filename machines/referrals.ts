import type { ReferralKind } from './appeal-events';
import { arbitrationDefinition } from './arbitration';
import { counsellingDefinition } from './counselling';
import { legalAidDefinition } from './legal-aid';
import { mediationDefinition } from './mediation';
import type { ReferralDefinition } from './referral-kit';

/** Every referral service, by the kind the appeal's REFER names. */
export const REFERRAL_DEFINITIONS: Record<ReferralKind, ReferralDefinition> = {
  mediation: mediationDefinition,
  legalAid: legalAidDefinition,
  arbitration: arbitrationDefinition,
  counselling: counsellingDefinition,
};

export function referralDefinition(kind: ReferralKind): ReferralDefinition {
  return REFERRAL_DEFINITIONS[kind];
}
