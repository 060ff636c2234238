import type { AppLoadContext } from '@remix-run/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type UserRole } from '../../entities/user';
import { requireUser, requireUserWith, startSession } from '../../app/auth/session.server';
import { CAPABILITIES, can, type Capability } from '../../app/domain/permissions';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';

// The cookie secret, so the session module does not create one in .data.
process.env.SESSION_SECRET ??= 'permissions-test-secret-0123456789abcdef';

/** Who holds what: each route and screen asks for one of these, so this table is everyone's access. */
const EXPECTED: Record<Capability, UserRole[]> = {
  'appeal:intake': ['operator', 'dispatcher'],
  'appeal:attach': ['operator', 'dispatcher', 'handler', 'gridWorker', 'reviewer', 'supervisor'],
  'appeal:supervise': ['dispatcher', 'supervisor'],
  'worklist:read': ['dispatcher', 'handler', 'supervisor'],
  'supervision:read': ['dispatcher', 'supervisor'],
  'blocked-numbers:keep': ['supervisor'],
  'api-clients:keep': ['admin'],
  'admin:event-types': ['admin'],
  'city-events:read': ['supervisor', 'admin'],
  'field:work': ['gridWorker'],
  'patrol:report': ['gridWorker'],
  'grids:locate': ['operator', 'dispatcher', 'gridWorker'],
  'knowledge:search': ['operator', 'dispatcher'],
  'policies:search': ['operator', 'dispatcher'],
  'policies:maintain': ['admin', 'handler'],
  'beneficiary-callbacks:read': ['admin', 'operator', 'supervisor'],
  'beneficiary-callbacks:work': ['operator'],
  'beneficiary-callbacks:draw': ['admin', 'supervisor'],
  'policy-records:read': ['admin', 'handler', 'supervisor'],
  'policy-records:report': ['admin', 'handler'],
  'policy-records:oversee': ['admin', 'supervisor'],
  'policy-evaluation:read': ['admin', 'handler', 'supervisor'],
  'policy-evaluation:report': ['admin', 'supervisor'],
  'reports:read': ['supervisor'],
  'reports:export': ['supervisor'],
  'assessment:read': ['handler', 'supervisor', 'admin'],
  'assessment:rank': ['supervisor', 'admin'],
  'referrals:read': ['dispatcher', 'mediator', 'reviewer', 'supervisor', 'admin'],
  'referrals:follow': ['dispatcher', 'mediator', 'reviewer', 'supervisor'],
  'referrals:agency': ['mediator'],
  'referrals:print': ['mediator', 'supervisor'],
  'calls:answer': ['operator', 'reviewer'],
  'calls:list': ['operator', 'dispatcher', 'reviewer', 'supervisor', 'admin'],
  'calls:link-any': ['supervisor', 'admin'],
  'admin:users': ['admin'],
  'admin:departments': ['admin'],
  'admin:categories': ['admin'],
  'admin:grids': ['admin'],
  'admin:knowledge': ['admin'],
  'admin:calendar': ['admin'],
  'admin:sms-templates': ['admin'],
  'admin:dispatch-catalogue': ['admin'],
  'admin:assessment': ['admin'],
  'admin:firms': ['admin'],
  'eligibility:test': ['admin'],
  'admin:eligibility': ['admin'],
  'security:audit': ['admin'],
};

describe('the role × capability table', () => {
  it('names exactly the capabilities pinned here', () => {
    expect([...CAPABILITIES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(CAPABILITIES)('%s is held by exactly its roles', (capability) => {
    const holders = ROLES.filter((role) => can({ role }, capability));
    expect([...holders].sort()).toEqual([...EXPECTED[capability]].sort());
  });

  it('gives the system actor no capability', () => {
    for (const capability of CAPABILITIES) expect(can({ role: 'system' }, capability), capability).toBe(false);
  });
});

describe.each(DB_KINDS)('requireUserWith on %s', (kind) => {
  const t = useTestDatabase(kind);
  let context: AppLoadContext;
  beforeAll(() => {
    context = { runtime: { db: t.db } } as unknown as AppLoadContext;
  });

  const signedIn = async (role: UserRole) => {
    const user = [...t.ids.users.values()].find((u) => u.role === role);
    expect(user, `a seeded ${role}`).toBeDefined();
    const setCookie = await startSession(t.em(), user!.id);
    return new Request('http://localhost/somewhere?x=1', { headers: { Cookie: setCookie.split(';')[0] } });
  };

  it('lets each role through exactly where the table says, and answers everyone else with a 403', async () => {
    for (const role of ROLES) {
      const request = await signedIn(role);
      for (const capability of CAPABILITIES) {
        const outcome = await requireUserWith(request, context, capability).then(
          (u) => u.role,
          (e: unknown) => e,
        );
        if (EXPECTED[capability].includes(role)) {
          expect(outcome, `${role} → ${capability}`).toBe(role);
        } else {
          expect(outcome, `${role} → ${capability}`).toBeInstanceOf(Response);
          expect((outcome as Response).status).toBe(403);
          expect(await (outcome as Response).text()).toBe('无权访问此页面');
        }
      }
    }
  });

  it('sends a request without a session to the sign-in page, whatever it asks for', async () => {
    const request = new Request('http://localhost/reports?period=day');
    for (const attempt of [requireUser(request, context), requireUserWith(request, context, 'reports:read')]) {
      const refused = await attempt.then(
        () => null,
        (e: unknown) => e as Response,
      );
      expect(refused?.status).toBe(302);
      expect(refused?.headers.get('Location')).toBe(`/login?redirectTo=${encodeURIComponent('/reports?period=day')}`);
    }
  });
});
