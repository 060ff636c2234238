import { describe, expect, it } from 'vitest';
import { ROLES } from '../../entities/user';
import { landingPath } from './landing';

describe('where a sign-in lands', () => {
  it('sends a grid worker to his field work and an agency to its referral cases', () => {
    expect(landingPath({ role: 'gridWorker' })).toBe('/field');
    expect(landingPath({ role: 'gridWorker' }, '/')).toBe('/field');
    expect(landingPath({ role: 'mediator' }, '/')).toBe('/referrals');
  });

  it('sends every other role to the home page of its queues', () => {
    for (const role of ROLES.filter((r) => r !== 'gridWorker' && r !== 'mediator'))
      expect(landingPath({ role }, '/')).toBe('/');
  });

  it('goes back to the page the sign-in was asked for, whoever signs in', () => {
    for (const role of ROLES) expect(landingPath({ role }, '/appeals/7?tab=files')).toBe('/appeals/7?tab=files');
  });
});
