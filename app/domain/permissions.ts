import type { UserRole } from '../../entities/user';
import type { Role } from '../../machines/actor';

// Who may do what, in one table: routes ask for a capability, screens ask what to show. Which
// appeal or case a permitted user may see is scope, checked by the feature's own scope module.
// Plain data with type-only imports, so the kernel, the server and the browser all read it.

const GRANTS = {
  /** Record calls as appeals: the intake form, its duplicate hints, the caller's history on the screen pop. */
  'appeal:intake': ['operator', 'dispatcher'],
  /** Add evidence to an appeal; mediators and admins read attachments but do not add them. */
  'appeal:attach': ['operator', 'dispatcher', 'handler', 'gridWorker', 'reviewer', 'supervisor'],
  /** Take the supervision board's steps: urge, escalate, decide extensions (the machine checks each step). */
  'appeal:supervise': ['supervisor', 'dispatcher'],
  /** A department's work orders. */
  'worklist:read': ['handler', 'dispatcher', 'supervisor'],
  /** The supervision board and the grid view of open appeals. */
  'supervision:read': ['supervisor', 'dispatcher'],
  /** Keep the blocked-numbers list (恶意来电/骚扰号码名单): add a phone with the reason, lift it. */
  'blocked-numbers:keep': ['supervisor'],
  /** Register the other city systems that call the interfaces, rotate and revoke their keys, read their calls. */
  'api-clients:keep': ['admin'],
  /** Map each client's inbound event types (scene, type code) to a category (事件类型映射). */
  'admin:event-types': ['admin'],
  /** The inbound city events' volume by scene and how they were routed, down to the appeals. */
  'city-events:read': ['supervisor', 'admin'],
  /** The field worklist of a grid worker, its steps and photos. */
  'field:work': ['gridWorker'],
  /** File a patrol report from the field. */
  'patrol:report': ['gridWorker'],
  /** Find the grid a point falls in, while a location is being picked. */
  'grids:locate': ['operator', 'dispatcher', 'gridWorker'],
  /** Search the knowledge base for an answer while the caller waits. */
  'knowledge:search': ['operator', 'dispatcher'],
  /** Search the policy catalogue (政策库) beside the knowledge base while the caller waits. */
  'policies:search': ['operator', 'dispatcher'],
  /** Keep the policy catalogue: the admin every policy, a handler those his own department leads (checked by scope). */
  'policies:maintain': ['handler', 'admin'],
  /** The implementation records (政策落实记录) of a period: a department its own policies', the hotline office every one's. */
  'policy-records:read': ['handler', 'supervisor', 'admin'],
  /** Report implementation records from Excel: a handler for the policies his department leads, the admin for any. */
  'policy-records:report': ['handler', 'admin'],
  /** Every lead department's records, and opening the reporting periods with their due dates. */
  'policy-records:oversee': ['supervisor', 'admin'],
  /** The beneficiary callback queue (回访核实) and a callback's page: the agents, and the office that draws. */
  'beneficiary-callbacks:read': ['operator', 'supervisor', 'admin'],
  /** Call beneficiaries back from the queue and record what they say (no answer, or the answers). */
  'beneficiary-callbacks:work': ['operator'],
  /** Draw a period's sample with its share, minimum and seed; cancel a callback with a reason. */
  'beneficiary-callbacks:draw': ['supervisor', 'admin'],
  /** The evaluation (晴雨表/评价器) of a period and its drill-down: a department its own policies', the office every one's. */
  'policy-evaluation:read': ['handler', 'supervisor', 'admin'],
  /** Generate and download the evaluation's periodic report (PDF and Excel) for the executive meeting. */
  'policy-evaluation:report': ['supervisor', 'admin'],
  /** The statistics report, its drill-down to appeals and the list of daily reports. */
  'reports:read': ['supervisor'],
  /** Report files: the Excel or PDF export, the kept daily reports, generating yesterday's. */
  'reports:export': ['supervisor'],
  /** The monthly assessment (考核) of units: a department sees its own unit's score, supervisors and admins every unit's. */
  'assessment:read': ['handler', 'supervisor', 'admin'],
  /** The ranking of all units in the assessment. */
  'assessment:rank': ['supervisor', 'admin'],
  /** The referral queue. */
  'referrals:read': ['mediator', 'dispatcher', 'reviewer', 'supervisor', 'admin'],
  /** Follow referral cases day to day, so the navigation offers their queue; admins may open it but do not. */
  'referrals:follow': ['mediator', 'dispatcher', 'reviewer', 'supervisor'],
  /** Act as an agency's staff: add a case's documents, start from the referral queue (the service checks which). */
  'referrals:agency': ['mediator'],
  /** Print a case's legal documents naming the parties in full (agreement, award); every print is recorded. */
  'referrals:print': ['mediator', 'supervisor'],
  /** Take and make hotline calls in the softphone: its credentials, call events and recordings. */
  'calls:answer': ['operator', 'reviewer'],
  /** The call records; departments and grid workers never see the hotline's traffic. */
  'calls:list': ['operator', 'reviewer', 'supervisor', 'dispatcher', 'admin'],
  /** Link any call to an appeal; people who take calls link only the calls they answered or dialled. */
  'calls:link-any': ['supervisor', 'admin'],
  'admin:users': ['admin'],
  'admin:departments': ['admin'],
  'admin:categories': ['admin'],
  'admin:grids': ['admin'],
  'admin:knowledge': ['admin'],
  'admin:calendar': ['admin'],
  /** The texts of the messages sent to citizens (短信模板). */
  'admin:sms-templates': ['admin'],
  /** The 派单目录: which unit leads an appeal of a category in an area; dispatch preselects from it. */
  'admin:dispatch-catalogue': ['admin'],
  /** The assessment's weights and deduction points, as dated versions. */
  'admin:assessment': ['admin'],
  /** The firms the city knows (企业库): their records, contact phones and the blacklist. */
  'admin:firms': ['admin'],
  /** Try an eligibility rule on sample facts or on a known citizen or firm before it is published. */
  'eligibility:test': ['admin'],
  /** The credit threshold below which nobody is matched to a policy. */
  'admin:eligibility': ['admin'],
  /** The security audit: sign-ins, lockouts, account changes, exports and reveals; read only. */
  'security:audit': ['admin'],
} as const satisfies Record<string, readonly UserRole[]>;

export type Capability = keyof typeof GRANTS;

export const CAPABILITIES = Object.keys(GRANTS) as Capability[];

/** Whether a user (or an actor: the system holds no capability) may do what the capability allows. */
export function can(who: { role: Role }, capability: Capability): boolean {
  return (GRANTS[capability] as readonly Role[]).includes(who.role);
}
