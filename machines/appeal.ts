import { and, assertEvent, assign, initialTransition, not, or, setup, stateIn } from 'xstate';
import { pureScope } from './pure-scope';
import type { SnapshotFrom, StateValue } from 'xstate';
import { z } from 'zod';
import {
  APPEAL_EVENT_TYPES,
  ESCALATION_TARGETS,
  REDO_TARGETS,
  REFERRAL_KINDS,
  SATISFACTION_LEVELS,
  eventRoles,
  type AppealEvent,
  type AppealEventType,
  type EscalationTarget,
  type RedoTarget,
  type ReferralKind,
  type Satisfaction,
} from './appeal-events';
import type { Actor, Role } from './actor';
import { stateValuePath, stateValueSchema } from './state-path';

export const APPEAL_MACHINE_ID = 'appeal';
export const APPEAL_MACHINE_VERSION = 1;

export const MAX_EXTENSIONS = 2;
export const MAX_REDO = 3;
export const MAX_CALLBACK_ATTEMPTS = 3;
export const REOPEN_WINDOW_DAYS = 30;
export const MAX_DISPATCH_LEVEL = 3;

const DAY_MS = 24 * 60 * 60 * 1000;

export const CLOSE_REASONS = ['feedback', 'unreachable', 'supervisor', 'verified'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export const ASSIST_STATUSES = ['pending', 'accepted', 'answered', 'waived'] as const;
export type AssistStatus = (typeof ASSIST_STATUSES)[number];

/**
 * An assisting unit's order (协办): it accepts its part, gives its opinion (协办意见) by its own deadline, or is
 * waived when the lead replies without it (with a reason). The lead's reply waits for every open one.
 */
export interface AssistOrder {
  departmentId: number;
  status: AssistStatus;
  acceptDueAt: string | null;
  dueAt: string | null;
  acceptedAt: string | null;
  answeredAt: string | null;
}

export interface AppealContext {
  createdBy: number;
  assigneeDepartmentId: number | null;
  assistingDepartmentIds: number[];
  /** One order per assisting unit of the current dispatch, in the order they were named. */
  assists: AssistOrder[];
  gridId: number | null;
  /** 0 before dispatch, 1 after the first dispatch, +1 per sub-dispatch. */
  dispatchLevel: number;
  acceptDueAt: string | null;
  /** By when the centre must take a web appeal out of triage (the web channel's accept clock); set while in triage. */
  triageDueAt: string | null;
  dueAt: string | null;
  callbackDueAt: string | null;
  closedAt: string | null;
  closeReason: CloseReason | null;
  satisfaction: Satisfaction | null;
  resolved: boolean | null;
  redoCount: number;
  reopenCount: number;
  extensionCount: number;
  callbackAttempts: number;
  callbackOverdue: boolean;
  superviseCount: number;
  escalation: EscalationTarget | null;
  disputed: boolean;
  referralKind: ReferralKind | null;
  /** The referral case the appeal is waiting for (or last waited for). */
  referralId: number | null;
  /** Every agency the appeal was ever referred to: their staff may read it. */
  referralAgencyIds: number[];
  mergedInto: number | null;
  answeredOnSpot: boolean;
  lastReturnReason: string | null;
  lastRejectReason: string | null;
  /** Filed by a grid worker on patrol (巡查上报); only such a draft may be self-handled. */
  patrol: boolean;
  /** Handled on the spot by the grid worker who reported it (自行处置): no citizen to call back. */
  selfHandled: boolean;
  /** When the handling unit last answered (REPLY, RESOLVE_ON_SPOT, SELF_HANDLE): the end of its handling time. */
  repliedAt: string | null;
  /** Marked by a supervisor as an unreasonable demand (不合理诉求): left out of the satisfaction rate. */
  unreasonable: boolean;
  /** The policy's chief representative (首席代表) named to answer a consultation handed to the lead department. */
  chiefRepresentativeId: number | null;
}

export interface AppealInput {
  createdBy: number;
  dueAt?: string;
  /** The appeal's source; `patrol` allows SELF_HANDLE. */
  source?: string;
}

export type AppealTag =
  | 'open'
  | 'closed'
  | 'needsDispatcher'
  | 'needsAssignee'
  | 'needsReviewer'
  | 'needsCitizen'
  | 'needsMediator'
  // Not submitted yet: neither open nor closed.
  | 'draft'
  // Every state after SUBMIT (or SELF_HANDLE), merged duplicates included; never a draft or a discarded one.
  | 'submitted'
  // What the reports count: submitted and not merged into another appeal.
  | 'counted'
  // Closed at the end of the loop (办结): the reports' closed appeals. Merged and void ones are closed, not finished.
  | 'finished'
  | 'awaitingDispatch'
  | 'awaitingAcceptance'
  | 'returnPending'
  | 'inHand'
  | 'extensionPending'
  | 'awaitingReview'
  | 'awaitingVerification'
  | 'inCallback'
  | 'dissatisfied'
  // The citizen's answer is still owed (triage, dispatched, returnRequested, handling, referred): the handling
  // deadline runs only here. An answer (REPLY, RESOLVE_ON_SPOT, SELF_HANDLE, a referral's outcome) meets it.
  | 'awaitingAnswer';

export function roleAllowed(role: Role, type: AppealEventType): boolean {
  return eventRoles[type]?.includes(role) ?? false;
}

const openAssist = (a: AssistOrder) => a.status === 'pending' || a.status === 'accepted';

/** The actor acts for this assisting unit, whose order is in this status. */
function assistIn(context: AppealContext, event: AppealEvent, status: AssistStatus): boolean {
  if (event.type !== 'ASSIST_ACCEPT' && event.type !== 'ASSIST_OPINION') return false;
  const unit = event.assistDepartmentId;
  return (
    event.actor.role === 'handler' &&
    event.actor.departmentIds.includes(unit) &&
    context.assists.some((a) => a.departmentId === unit && a.status === status)
  );
}

function isAssignee(context: AppealContext, actor: Actor): boolean {
  if (actor.role === 'handler') {
    return context.assigneeDepartmentId !== null && actor.departmentIds.includes(context.assigneeDepartmentId);
  }
  if (actor.role === 'gridWorker') {
    return context.gridId !== null && actor.gridIds.includes(context.gridId);
  }
  return false;
}

const phaseIn = (phase: string) => stateIn({ phase });

// The assisting units work while the lead has the order (dispatched or in hand); they never move the phase.
const ASSIST_TRANSITIONS = {
  ASSIST_ACCEPT: { guard: and(['roleAllowed', 'assistPending']), actions: 'recordAssistAccept' },
  ASSIST_OPINION: { guard: and(['roleAllowed', 'assistAccepted']), actions: 'recordAssistOpinion' },
} as const;

export const appealMachine = setup({
  types: {
    context: {} as AppealContext,
    events: {} as AppealEvent,
    input: {} as AppealInput,
    tags: {} as AppealTag,
  },
  guards: {
    // Events reach can() before anything else has looked at them; a missing actor is a refusal.
    roleAllowed: ({ event }) => event.actor !== undefined && roleAllowed(event.actor.role, event.type),
    isAssignee: ({ context, event }) => isAssignee(context, event.actor),
    assistPending: ({ context, event }) => assistIn(context, event, 'pending'),
    assistAccepted: ({ context, event }) => assistIn(context, event, 'accepted'),
    // The lead replies once every assisting unit has answered, or says why it does not wait.
    assistsSettledOrOverridden: ({ context, event }) =>
      !context.assists.some(openAssist) || (event.type === 'REPLY' && Boolean(event.assistOverride)),
    // The system has no judgement of its own: it dispatches only what a 派单目录 entry decided.
    byDeskOrCatalogue: ({ event }) =>
      event.actor.role !== 'system' || (event.type === 'DISPATCH' && event.catalogue !== undefined),
    isDispatchDesk: ({ event }) => event.actor.role === 'dispatcher' || event.actor.role === 'supervisor',
    hasAssignee: ({ context }) => context.assigneeDepartmentId !== null || context.gridId !== null,
    // ASSIGN_GRID clears the department and DISPATCH / SUB_DISPATCH clear the grid, so exactly one holds.
    handledByGrid: ({ context }) => context.gridId !== null && context.assigneeDepartmentId === null,
    extensionsLeft: ({ context }) => context.extensionCount < MAX_EXTENSIONS,
    redoLeft: ({ context }) => context.redoCount < MAX_REDO,
    // 重办 choice: the reviewer names where the redo goes; without a choice the old rule holds.
    redoToTriage: ({ event }) => 'redoTo' in event && event.redoTo === 'triage',
    redoToSameUnit: ({ event }) => 'redoTo' in event && event.redoTo === 'sameUnit',
    redoTargetGiven: ({ event }) => 'redoTo' in event && event.redoTo !== undefined,
    dispatchLevelLeft: ({ context }) => context.dispatchLevel < MAX_DISPATCH_LEVEL,
    // Sub-dispatching to the current unit would only reset its accept deadline.
    subDispatchToOtherUnit: ({ context, event }) =>
      event.type === 'SUB_DISPATCH' && event.departmentId !== context.assigneeDepartmentId,
    isPatrolReport: ({ context }) => context.patrol,
    // A corrected classification whose recomputed deadline is still ahead puts the SLA clock back on time.
    reclassifiedDeadlineAhead: ({ event }) =>
      event.type === 'RECLASSIFY' && Date.parse(event.dueAt) > Date.parse(event.at),
    // Waiting for its first dispatch: never sent to a unit, answered, referred or reopened. Once worked on, a
    // withdrawal would take a handled appeal out of the reports.
    neverHandled: ({ context }) =>
      context.repliedAt === null &&
      context.lastReturnReason === null &&
      context.lastRejectReason === null &&
      context.referralId === null &&
      context.reopenCount === 0 &&
      !context.answeredOnSpot,
    isCreator: ({ context, event }) => context.createdBy === event.actor.userId,
    ownsEventGrid: ({ event }) => event.type === 'SELF_HANDLE' && event.actor.gridIds.includes(event.gridId),
    selfHandled: ({ context }) => context.selfHandled,
    changesUnreasonable: ({ context, event }) =>
      event.type === 'MARK_UNREASONABLE' && event.unreasonable !== context.unreasonable,
    referralRefused: ({ event }) => event.type === 'REFERRAL_DONE' && event.outcome === 'refused',
    // Only the case the appeal waits for may answer it, and only once.
    fromCurrentReferral: ({ context, event }) =>
      (event.type === 'REFERRAL_DONE' && event.referralId === context.referralId) ||
      (event.type === 'REFER_ON' && event.fromReferralId === context.referralId),
    citizenSatisfied: ({ event }) => event.type === 'FEEDBACK' && event.satisfaction !== 'dissatisfied',
    lastCallbackAttempt: ({ context }) => context.callbackAttempts + 1 >= MAX_CALLBACK_ATTEMPTS,
    callbackAlreadyOverdue: ({ context }) => context.callbackOverdue,
    withinReopenWindow: ({ context, event }) => {
      if (context.closedAt === null) return false;
      const elapsed = Date.parse(event.at) - Date.parse(context.closedAt);
      return Number.isFinite(elapsed) && elapsed <= REOPEN_WINDOW_DAYS * DAY_MS;
    },
    // The SLA clock only runs while someone owes the citizen something.
    phaseIsOpen: and([not(phaseIn('draft')), not(phaseIn('closed')), not(phaseIn('merged')), not(phaseIn('void'))]),
    // The handling deadline is met by the answer: once answered (on the spot included) only the callback clock runs.
    answerOwed: or([
      phaseIn('triage'),
      phaseIn('dispatched'),
      phaseIn('returnRequested'),
      phaseIn('handling'),
      phaseIn('referred'),
    ]),
  },
  actions: {
    clearAssignment: assign({
      assigneeDepartmentId: null,
      assistingDepartmentIds: [],
      assists: [],
      gridId: null,
      dispatchLevel: 0,
      acceptDueAt: null,
      chiefRepresentativeId: null,
    }),
    recordDispatch: assign(({ context, event }) => {
      assertEvent(event, 'DISPATCH');
      return {
        assigneeDepartmentId: event.departmentId,
        assistingDepartmentIds: [...(event.assistingDepartmentIds ?? [])],
        assists: (event.assistingDepartmentIds ?? []).map((departmentId) => ({
          departmentId,
          status: 'pending' as const,
          acceptDueAt: event.acceptDueAt,
          dueAt: event.assistDueAt ?? null,
          acceptedAt: null,
          answeredAt: null,
        })),
        gridId: null,
        dispatchLevel: 1,
        acceptDueAt: event.acceptDueAt,
        dueAt: event.dueAt ?? context.dueAt,
        answeredOnSpot: false,
        chiefRepresentativeId: null,
      };
    }),
    // Like a dispatch without assisting units: to the policy's lead department, on the policy's own limits.
    recordPolicyHandover: assign(({ event }) => {
      assertEvent(event, 'HAND_TO_POLICY_LEAD');
      return {
        assigneeDepartmentId: event.leadDepartmentId,
        assistingDepartmentIds: [],
        assists: [],
        gridId: null,
        dispatchLevel: 1,
        acceptDueAt: event.acceptDueAt,
        dueAt: event.dueAt,
        answeredOnSpot: false,
        chiefRepresentativeId: event.chiefRepresentativeId,
      };
    }),
    recordGridAssignment: assign(({ event }) => {
      assertEvent(event, 'ASSIGN_GRID');
      return {
        assigneeDepartmentId: null,
        assistingDepartmentIds: [],
        assists: [],
        gridId: event.gridId,
        dispatchLevel: 1,
        acceptDueAt: event.acceptDueAt,
        answeredOnSpot: false,
        chiefRepresentativeId: null,
      };
    }),
    recordSubDispatch: assign(({ context, event }) => {
      assertEvent(event, 'SUB_DISPATCH');
      return {
        assigneeDepartmentId: event.departmentId,
        gridId: null,
        dispatchLevel: context.dispatchLevel + 1,
        acceptDueAt: event.acceptDueAt,
        // A unit below answers now, not the chief representative of the unit above.
        chiefRepresentativeId: null,
      };
    }),
    recordSubmission: assign(({ context, event }) => {
      assertEvent(event, 'SUBMIT');
      return { dueAt: event.dueAt ?? context.dueAt, triageDueAt: event.triageDueAt ?? null };
    }),
    // Taken out of triage (dispatched, answered, merged…), the accept clock is met; coming back does not restart it.
    stopTriageClock: assign({ triageDueAt: null }),
    recordOnSpotAnswer: assign(({ event }) => ({ answeredOnSpot: true, repliedAt: event.at })),
    // The report gets the category's handling deadline: if verification sends it back, the grid redoes it against the clock.
    recordSelfHandling: assign(({ context, event }) => {
      assertEvent(event, 'SELF_HANDLE');
      return {
        dueAt: event.dueAt ?? context.dueAt,
        repliedAt: event.at,
        assigneeDepartmentId: null,
        assistingDepartmentIds: [],
        assists: [],
        gridId: event.gridId,
        dispatchLevel: 1,
        selfHandled: true,
        resolved: true,
      };
    }),
    recordReclassification: assign(({ event }) => {
      assertEvent(event, 'RECLASSIFY');
      return { dueAt: event.dueAt };
    }),
    // Nothing is owed any more: the handling deadline goes, so its timers find nothing to fire on.
    recordWithdrawal: assign({ dueAt: null }),
    recordMerge: assign(({ event }) => {
      assertEvent(event, 'MERGE_INTO');
      return { mergedInto: event.targetAppealId };
    }),
    recordReferral: assign(({ context, event }) => {
      assertEvent(event, ['REFER', 'REFER_ON']);
      const agencies = context.referralAgencyIds.includes(event.agencyId)
        ? context.referralAgencyIds
        : [...context.referralAgencyIds, event.agencyId];
      return { referralKind: event.kind, referralId: event.referralId, referralAgencyIds: agencies };
    }),
    recordReturnRequest: assign(({ event }) => {
      assertEvent(event, 'RETURN');
      return { lastReturnReason: event.reason };
    }),
    markDisputed: assign({ disputed: true }),
    recordRejection: assign(({ event }) => {
      assertEvent(event, ['REJECT_RETURN', 'REJECT_EXTENSION', 'REJECT_REPLY', 'REDO', 'VERIFY_REJECT']);
      return { lastRejectReason: event.reason };
    }),
    countRedo: assign(({ context }) => ({ redoCount: context.redoCount + 1 })),
    // The audit row written by the service is the record of a note; the machine keeps no copy.
    acknowledgeActivity: () => {},
    approveExtension: assign(({ context, event }) => {
      assertEvent(event, 'APPROVE_EXTENSION');
      return { extensionCount: context.extensionCount + 1, dueAt: event.newDueAt };
    }),
    recordReply: assign(({ event }) => {
      assertEvent(event, 'REPLY');
      return { resolved: event.resolved, repliedAt: event.at };
    }),
    // Orders still open when the lead replies (with its reason) are waived: nothing is owed on them any more.
    waiveOpenAssists: assign(({ context }) => ({
      assists: context.assists.map((a) => (openAssist(a) ? { ...a, status: 'waived' as const } : a)),
    })),
    recordAssistAccept: assign(({ context, event }) => {
      assertEvent(event, 'ASSIST_ACCEPT');
      return {
        assists: context.assists.map((a) =>
          a.departmentId === event.assistDepartmentId ? { ...a, status: 'accepted' as const, acceptedAt: event.at } : a,
        ),
      };
    }),
    recordAssistOpinion: assign(({ context, event }) => {
      assertEvent(event, 'ASSIST_OPINION');
      return {
        assists: context.assists.map((a) =>
          a.departmentId === event.assistDepartmentId ? { ...a, status: 'answered' as const, answeredAt: event.at } : a,
        ),
      };
    }),
    startCallback: assign(({ event }) => {
      assertEvent(event, ['APPROVE_REPLY', 'VERIFY_APPROVE']);
      return { callbackDueAt: event.callbackDueAt, callbackAttempts: 0, callbackOverdue: false };
    }),
    recordFeedback: assign(({ event }) => {
      assertEvent(event, 'FEEDBACK');
      return { satisfaction: event.satisfaction, resolved: event.resolved };
    }),
    closeWithFeedback: assign(({ event }) => ({ closeReason: 'feedback' as const, closedAt: event.at })),
    countCallbackAttempt: assign(({ context }) => ({ callbackAttempts: context.callbackAttempts + 1 })),
    closeUnreachable: assign(({ event }) => ({ closeReason: 'unreachable' as const, closedAt: event.at })),
    closeVerified: assign(({ event }) => ({ closeReason: 'verified' as const, closedAt: event.at })),
    closeBySupervisor: assign(({ event }) => ({ closeReason: 'supervisor' as const, closedAt: event.at })),
    markCallbackOverdue: assign({ callbackOverdue: true }),
    reopen: assign(({ context, event }) => {
      assertEvent(event, 'REOPEN');
      return {
        reopenCount: context.reopenCount + 1,
        closedAt: null,
        closeReason: null,
        satisfaction: null,
        resolved: null,
        callbackDueAt: null,
        callbackAttempts: 0,
        callbackOverdue: false,
        dueAt: event.dueAt,
      };
    }),
    recordUnreasonable: assign(({ event }) => {
      assertEvent(event, 'MARK_UNREASONABLE');
      return { unreasonable: event.unreasonable };
    }),
    countSupervision: assign(({ context }) => ({ superviseCount: context.superviseCount + 1 })),
    recordEscalation: assign(({ event }) => {
      assertEvent(event, 'ESCALATE');
      return { escalation: event.to };
    }),
  },
}).createMachine({
  id: APPEAL_MACHINE_ID,
  type: 'parallel',
  context: ({ input }) => ({
    createdBy: input.createdBy,
    assigneeDepartmentId: null,
    assistingDepartmentIds: [],
    assists: [],
    gridId: null,
    dispatchLevel: 0,
    acceptDueAt: null,
    triageDueAt: null,
    dueAt: input.dueAt ?? null,
    callbackDueAt: null,
    closedAt: null,
    closeReason: null,
    satisfaction: null,
    resolved: null,
    redoCount: 0,
    reopenCount: 0,
    extensionCount: 0,
    callbackAttempts: 0,
    callbackOverdue: false,
    superviseCount: 0,
    escalation: null,
    disputed: false,
    referralKind: null,
    referralId: null,
    referralAgencyIds: [],
    mergedInto: null,
    answeredOnSpot: false,
    lastReturnReason: null,
    lastRejectReason: null,
    patrol: input.source === 'patrol',
    selfHandled: false,
    repliedAt: null,
    unreasonable: false,
    chiefRepresentativeId: null,
  }),
  on: {
    // A judgement on the demand, not a step of the loop: allowed whenever the appeal counts in reports.
    MARK_UNREASONABLE: {
      guard: and([
        'roleAllowed',
        'changesUnreasonable',
        not(phaseIn('draft')),
        not(phaseIn('merged')),
        not(phaseIn('void')),
      ]),
      actions: 'recordUnreasonable',
    },
    // 补充材料: the citizen adds to an open appeal in any phase; it moves nothing, the trail row is the record.
    SUPPLEMENT: { guard: and(['roleAllowed', 'phaseIsOpen']), actions: 'acknowledgeActivity' },
  },
  states: {
    phase: {
      initial: 'draft',
      states: {
        draft: {
          tags: ['draft'],
          on: {
            SUBMIT: { guard: 'roleAllowed', target: 'triage', actions: 'recordSubmission' },
            DISCARD: { guard: 'roleAllowed', target: 'void' },
            // Reopened in the intake form and saved again: the creator's own draft. The audit row keeps the changes
            // (an action, so that can() accepts a step that leaves state and context as they were).
            EDIT_DRAFT: { guard: and(['roleAllowed', 'isCreator']), actions: 'acknowledgeActivity' },
            // 自行处置: the reporter fixed it on the spot; someone else still checks the photos.
            SELF_HANDLE: {
              guard: and(['roleAllowed', 'isPatrolReport', 'isCreator', 'ownsEventGrid']),
              target: 'verification',
              actions: 'recordSelfHandling',
            },
          },
        },
        triage: {
          tags: ['open', 'needsDispatcher', 'awaitingDispatch', 'submitted', 'counted', 'awaitingAnswer'],
          // Whatever brought the appeal back here, the previous assignment no longer holds.
          entry: 'clearAssignment',
          exit: 'stopTriageClock',
          on: {
            DISPATCH: {
              guard: and(['roleAllowed', 'byDeskOrCatalogue']),
              target: 'dispatched',
              actions: 'recordDispatch',
            },
            HAND_TO_POLICY_LEAD: { guard: 'roleAllowed', target: 'dispatched', actions: 'recordPolicyHandover' },
            ASSIGN_GRID: { guard: 'roleAllowed', target: 'dispatched', actions: 'recordGridAssignment' },
            RESOLVE_ON_SPOT: { guard: 'roleAllowed', target: 'replied', actions: 'recordOnSpotAnswer' },
            MERGE_INTO: { guard: 'roleAllowed', target: 'merged', actions: 'recordMerge' },
            // 撤回: void, as a discarded draft is: not counted, not finished; the trail's WITHDRAW tells them apart.
            WITHDRAW: { guard: and(['roleAllowed', 'neverHandled']), target: 'void', actions: 'recordWithdrawal' },
            // Stays in triage (no re-entry): category, type, urgency, address and grid are the row's; the deadline is ours.
            RECLASSIFY: { guard: 'roleAllowed', actions: 'recordReclassification' },
            REFER: {
              guard: and(['roleAllowed', 'isDispatchDesk']),
              target: 'referred',
              actions: 'recordReferral',
            },
          },
        },
        dispatched: {
          tags: ['open', 'needsAssignee', 'awaitingAcceptance', 'submitted', 'counted', 'awaitingAnswer'],
          on: {
            ACCEPT: { guard: and(['roleAllowed', 'isAssignee']), target: 'handling' },
            RETURN: {
              guard: and(['roleAllowed', 'isAssignee']),
              target: 'returnRequested',
              actions: 'recordReturnRequest',
            },
            SUB_DISPATCH: {
              guard: and(['roleAllowed', 'isAssignee', 'dispatchLevelLeft', 'subDispatchToOtherUnit']),
              target: 'dispatched',
              reenter: true,
              actions: 'recordSubDispatch',
            },
            ...ASSIST_TRANSITIONS,
          },
        },
        returnRequested: {
          tags: ['open', 'needsDispatcher', 'returnPending', 'submitted', 'counted', 'awaitingAnswer'],
          on: {
            APPROVE_RETURN: { guard: 'roleAllowed', target: 'triage' },
            REJECT_RETURN: {
              guard: 'roleAllowed',
              target: 'dispatched',
              actions: ['markDisputed', 'recordRejection'],
            },
          },
        },
        handling: {
          tags: ['open', 'needsAssignee', 'inHand', 'submitted', 'counted', 'awaitingAnswer'],
          initial: 'working',
          on: {
            NOTE: {
              guard: and(['roleAllowed', or(['isAssignee', 'isDispatchDesk'])]),
              actions: 'acknowledgeActivity',
            },
            FIELD_UPDATE: { guard: and(['roleAllowed', 'isAssignee']), actions: 'acknowledgeActivity' },
            ...ASSIST_TRANSITIONS,
            // A referral takes the matter out of the units' hands: assisting orders still open are waived.
            REFER: {
              guard: and(['roleAllowed', 'isAssignee']),
              target: 'referred',
              actions: ['recordReferral', 'waiveOpenAssists'],
            },
            REPLY: [
              // A grid's own work is checked on the ground (核查) before the citizen is called back.
              {
                guard: and(['roleAllowed', 'isAssignee', 'handledByGrid']),
                target: 'verification',
                actions: 'recordReply',
              },
              {
                guard: and(['roleAllowed', 'isAssignee', 'assistsSettledOrOverridden']),
                target: 'review',
                actions: ['recordReply', 'waiveOpenAssists'],
              },
            ],
          },
          states: {
            working: {
              on: {
                REQUEST_EXTENSION: {
                  guard: and(['roleAllowed', 'isAssignee', 'extensionsLeft']),
                  target: 'extensionPending',
                },
              },
            },
            extensionPending: {
              tags: ['needsDispatcher', 'extensionPending'],
              on: {
                APPROVE_EXTENSION: { guard: 'roleAllowed', target: 'working', actions: 'approveExtension' },
                REJECT_EXTENSION: { guard: 'roleAllowed', target: 'working', actions: 'recordRejection' },
              },
            },
          },
        },
        referred: {
          tags: ['open', 'needsMediator', 'submitted', 'counted', 'awaitingAnswer'],
          on: {
            REFERRAL_DONE: [
              { guard: and(['roleAllowed', 'fromCurrentReferral', 'referralRefused']), target: 'triage' },
              { guard: and(['roleAllowed', 'fromCurrentReferral']), target: 'review' },
            ],
            REFER_ON: { guard: and(['roleAllowed', 'fromCurrentReferral']), actions: 'recordReferral' },
          },
        },
        replied: {
          tags: ['open', 'needsReviewer', 'awaitingReview', 'submitted', 'counted'],
          on: {
            APPROVE_REPLY: { guard: 'roleAllowed', target: 'callback', actions: 'startCallback' },
            // Answered on the spot: there is no unit to redo it, only the dispatch desk.
            REJECT_REPLY: {
              guard: and(['roleAllowed', not('redoToSameUnit')]),
              target: 'triage',
              actions: 'recordRejection',
            },
          },
        },
        review: {
          tags: ['open', 'needsReviewer', 'awaitingReview', 'submitted', 'counted'],
          on: {
            APPROVE_REPLY: { guard: 'roleAllowed', target: 'callback', actions: 'startCallback' },
            REJECT_REPLY: [
              {
                guard: and(['roleAllowed', not('redoToTriage'), 'hasAssignee', 'redoLeft']),
                target: 'handling',
                actions: ['countRedo', 'recordRejection'],
              },
              // Back to the dispatch desk when the reviewer says so, or when nobody can redo it (a referral
              // made from triage): the dispatcher sends it again. Not a redo of the unit, so not counted.
              {
                guard: and(['roleAllowed', or(['redoToTriage', and([not('redoTargetGiven'), not('hasAssignee')])])]),
                target: 'triage',
                actions: 'recordRejection',
              },
            ],
          },
        },
        verification: {
          tags: ['open', 'needsReviewer', 'awaitingVerification', 'submitted', 'counted'],
          on: {
            VERIFY_APPROVE: [
              // A self-handled patrol report has no citizen to call back: verification closes it.
              { guard: and(['roleAllowed', 'selfHandled']), target: 'closed', actions: 'closeVerified' },
              { guard: 'roleAllowed', target: 'callback', actions: 'startCallback' },
            ],
            // The grid redoes its own work while redos are left; after that the appeal goes back to dispatch or
            // the supervisor escalates.
            VERIFY_REJECT: [
              {
                guard: and(['roleAllowed', not('redoToTriage'), 'redoLeft']),
                target: 'handling',
                actions: ['countRedo', 'recordRejection'],
              },
              // A grid-assigned appeal may go back to be dispatched elsewhere; a self-handled patrol report has
              // no citizen to call back, so its grid redoes it or the supervisor steps in.
              {
                guard: and(['roleAllowed', 'redoToTriage', not('selfHandled')]),
                target: 'triage',
                actions: 'recordRejection',
              },
            ],
          },
        },
        callback: {
          tags: ['open', 'inCallback', 'submitted', 'counted'],
          initial: 'calling',
          on: {
            SUPERVISOR_CLOSE: { guard: 'roleAllowed', target: 'closed', actions: 'closeBySupervisor' },
          },
          states: {
            calling: {
              tags: ['needsCitizen'],
              on: {
                FEEDBACK: [
                  {
                    guard: and(['roleAllowed', 'citizenSatisfied']),
                    target: '#appeal.phase.closed',
                    actions: ['recordFeedback', 'closeWithFeedback'],
                  },
                  { guard: 'roleAllowed', target: 'dissatisfied', actions: 'recordFeedback' },
                ],
                UNREACHABLE: [
                  {
                    guard: and(['roleAllowed', 'lastCallbackAttempt']),
                    target: '#appeal.phase.closed',
                    actions: ['countCallbackAttempt', 'closeUnreachable'],
                  },
                  { guard: 'roleAllowed', actions: 'countCallbackAttempt' },
                ],
                CALLBACK_DUE: {
                  guard: and(['roleAllowed', not('callbackAlreadyOverdue')]),
                  actions: 'markCallbackOverdue',
                },
              },
            },
            dissatisfied: {
              tags: ['needsReviewer', 'dissatisfied'],
              on: {
                REDO: [
                  {
                    guard: and(['roleAllowed', not('redoToTriage'), 'hasAssignee', 'redoLeft']),
                    target: '#appeal.phase.handling',
                    actions: ['countRedo', 'recordRejection'],
                  },
                  {
                    guard: and([
                      'roleAllowed',
                      or(['redoToTriage', and([not('redoTargetGiven'), not('hasAssignee')])]),
                    ]),
                    target: '#appeal.phase.triage',
                    actions: 'recordRejection',
                  },
                ],
              },
            },
          },
        },
        closed: {
          tags: ['closed', 'finished', 'submitted', 'counted'],
          on: {
            REOPEN: {
              guard: and(['roleAllowed', 'withinReopenWindow']),
              target: 'triage',
              actions: 'reopen',
            },
          },
        },
        merged: { type: 'final', tags: ['closed', 'submitted'] },
        void: { type: 'final', tags: ['closed'] },
      },
    },
    sla: {
      initial: 'onTime',
      on: {
        SUPERVISE: { guard: and(['roleAllowed', 'phaseIsOpen']), actions: 'countSupervision' },
        ESCALATE: { guard: and(['roleAllowed', 'phaseIsOpen']), actions: 'recordEscalation' },
        // Must mirror the phase guards exactly, or this region alone would accept the event.
        APPROVE_EXTENSION: {
          guard: and(['roleAllowed', stateIn({ phase: { handling: 'extensionPending' } })]),
          target: '.onTime',
        },
        REOPEN: {
          guard: and(['roleAllowed', phaseIn('closed'), 'withinReopenWindow']),
          target: '.onTime',
        },
        RECLASSIFY: {
          guard: and(['roleAllowed', phaseIn('triage'), 'reclassifiedDeadlineAhead']),
          target: '.onTime',
        },
      },
      states: {
        onTime: {
          on: {
            WARN: { guard: and(['roleAllowed', 'answerOwed']), target: 'warned' },
            OVERDUE: { guard: and(['roleAllowed', 'answerOwed']), target: 'overdue' },
          },
        },
        warned: {
          on: {
            OVERDUE: { guard: and(['roleAllowed', 'answerOwed']), target: 'overdue' },
          },
        },
        overdue: {},
      },
    },
  },
});

export type AppealSnapshot = SnapshotFrom<typeof appealMachine>;

export interface PersistedAppealSnapshot {
  machine: typeof APPEAL_MACHINE_ID;
  machineVersion: number;
  value: StateValue;
  context: AppealContext;
}

const nullableIso = z.string().nullable();
const count = z.number().int().min(0);
const assistOrderSchema = z
  .object({
    departmentId: z.number().int(),
    status: z.enum(ASSIST_STATUSES),
    acceptDueAt: nullableIso,
    dueAt: nullableIso,
    acceptedAt: nullableIso,
    answeredAt: nullableIso,
  })
  .strict();
const appealContextSchema = z
  .object({
    createdBy: z.number().int(),
    assigneeDepartmentId: z.number().int().nullable(),
    assistingDepartmentIds: z.array(z.number().int()),
    // Added after snapshots were first stored: restore derives the orders of an older snapshot.
    assists: z.array(assistOrderSchema).optional(),
    gridId: z.number().int().nullable(),
    dispatchLevel: count.max(MAX_DISPATCH_LEVEL),
    acceptDueAt: nullableIso,
    dueAt: nullableIso,
    callbackDueAt: nullableIso,
    closedAt: nullableIso,
    closeReason: z.enum(CLOSE_REASONS).nullable(),
    satisfaction: z.enum(SATISFACTION_LEVELS).nullable(),
    resolved: z.boolean().nullable(),
    redoCount: count,
    reopenCount: count,
    extensionCount: count,
    callbackAttempts: count,
    callbackOverdue: z.boolean(),
    superviseCount: count,
    escalation: z.enum(ESCALATION_TARGETS).nullable(),
    disputed: z.boolean(),
    referralKind: z.enum(REFERRAL_KINDS).nullable(),
    referralId: z.number().int().nullable().default(null),
    // Added after snapshots were first stored: older ones had no accept clock in triage.
    triageDueAt: nullableIso.default(null),
    referralAgencyIds: z.array(z.number().int()).default([]),
    mergedInto: z.number().int().nullable(),
    answeredOnSpot: z.boolean(),
    lastReturnReason: z.string().nullable(),
    lastRejectReason: z.string().nullable(),
    // Added after snapshots were first stored; older snapshots are ordinary appeals.
    patrol: z.boolean().default(false),
    selfHandled: z.boolean().default(false),
    repliedAt: z.string().nullable().default(null),
    unreasonable: z.boolean().default(false),
    chiefRepresentativeId: z.number().int().nullable().default(null),
  })
  .strict() satisfies z.ZodType<Omit<AppealContext, 'assists'> & { assists?: AssistOrder[] }, unknown>;

/**
 * A snapshot stored before assisting orders existed: each assisting unit of an order still with the lead gets a
 * pending order (it may now accept and answer); past that stage nothing is owed on it.
 */
function derivedAssists(ctx: Omit<AppealContext, 'assists'>, value: StateValue): AssistOrder[] {
  const phase = stateValuePath((value as Record<string, StateValue>).phase);
  const open = phase === 'dispatched' || phase === 'returnRequested' || phase.startsWith('handling');
  return ctx.assistingDepartmentIds.map((departmentId) => ({
    departmentId,
    status: open ? 'pending' : 'waived',
    acceptDueAt: ctx.acceptDueAt,
    dueAt: null,
    acceptedAt: null,
    answeredAt: null,
  }));
}

const persistedSchema = z.object({
  machine: z.string().optional(),
  machineVersion: z.number().optional(),
  value: stateValueSchema,
  context: appealContextSchema,
});

export function createAppealSnapshot(input: AppealInput): AppealSnapshot {
  const [snapshot] = initialTransition(appealMachine, input);
  return snapshot;
}

export function persistAppealSnapshot(snapshot: AppealSnapshot): PersistedAppealSnapshot {
  // A JSON round trip drops anything that would not survive the jsonb column anyway.
  return JSON.parse(
    JSON.stringify({
      machine: APPEAL_MACHINE_ID,
      machineVersion: APPEAL_MACHINE_VERSION,
      value: snapshot.value,
      context: snapshot.context,
    }),
  ) as PersistedAppealSnapshot;
}

export function restoreAppealSnapshot(persisted: unknown): AppealSnapshot {
  if (typeof persisted !== 'object' || persisted === null) {
    throw new Error('persisted appeal snapshot must be an object');
  }
  const { machine, machineVersion } = persisted as { machine?: unknown; machineVersion?: unknown };
  if (machine !== undefined && machine !== APPEAL_MACHINE_ID) {
    throw new Error(`persisted snapshot belongs to machine ${String(machine)}, not ${APPEAL_MACHINE_ID}`);
  }
  if (machineVersion !== undefined && machineVersion !== APPEAL_MACHINE_VERSION) {
    throw new Error(
      `persisted appeal snapshot has machine version ${String(machineVersion)}; ` +
        `this code runs version ${APPEAL_MACHINE_VERSION} and needs a migration`,
    );
  }
  const parsed = persistedSchema.safeParse(persisted);
  if (!parsed.success) {
    throw new Error(`invalid persisted appeal snapshot: ${z.prettifyError(parsed.error)}`);
  }
  const { value, context } = parsed.data;
  const assists = context.assists ?? derivedAssists(context, value);
  return appealMachine.resolveState({ value, context: { ...context, assists } });
}

export interface ApplyResult {
  accepted: boolean;
  next: AppealSnapshot;
}

export function applyAppealEvent(snapshot: AppealSnapshot, event: AppealEvent): ApplyResult {
  if (!snapshot.can(event)) return { accepted: false, next: snapshot };
  return {
    accepted: true,
    next: appealMachine.transition(snapshot, event, pureScope(appealMachine, { createdBy: 0 })),
  };
}

export type AppealPhase =
  | 'draft'
  | 'triage'
  | 'dispatched'
  | 'returnRequested'
  | 'handling.working'
  | 'handling.extensionPending'
  | 'referred'
  | 'replied'
  | 'review'
  | 'verification'
  | 'callback.calling'
  | 'callback.dissatisfied'
  | 'closed'
  | 'merged'
  | 'void';
export type AppealSla = 'onTime' | 'warned' | 'overdue';

export const APPEAL_PHASES: readonly AppealPhase[] = [
  'draft',
  'triage',
  'dispatched',
  'returnRequested',
  'handling.working',
  'handling.extensionPending',
  'referred',
  'replied',
  'review',
  'verification',
  'callback.calling',
  'callback.dissatisfied',
  'closed',
  'merged',
  'void',
];

export function phaseOf(snapshot: Pick<AppealSnapshot, 'value'>): AppealPhase {
  const value = snapshot.value as Record<string, StateValue>;
  return stateValuePath(value.phase) as AppealPhase;
}

/** The tags of the appeal's current state, sorted: written beside the phase so queries group by them. */
export function appealTagsOf(snapshot: Pick<AppealSnapshot, 'tags'>): AppealTag[] {
  return ([...snapshot.tags] as AppealTag[]).sort();
}

export function slaOf(snapshot: Pick<AppealSnapshot, 'value'>): AppealSla {
  const value = snapshot.value as Record<string, StateValue>;
  return stateValuePath(value.sla) as AppealSla;
}

/** Which deadlines and checks the appeal's current state is about, for the pages that show them. */
export function stateConcerns(snapshot: Pick<AppealSnapshot, 'matches'>) {
  return {
    /** Waiting for the assignee to accept: the acceptance time limit runs. */
    acceptance: snapshot.matches({ phase: 'dispatched' }),
    /** The citizen is to be called back: the callback time limit runs. */
    callback: snapshot.matches({ phase: 'callback' }),
    /** A grid's own work is checked on the ground (核查). */
    verification: snapshot.matches({ phase: 'verification' }),
  };
}

function sampleEvents(type: AppealEventType, snapshot: AppealSnapshot, actor: Actor, at: string): AppealEvent[] {
  const base = { actor, at };
  const later = new Date(Date.parse(at) + DAY_MS).toISOString();
  switch (type) {
    case 'SUBMIT':
    case 'DISCARD':
    case 'ACCEPT':
    case 'APPROVE_RETURN':
    case 'WARN':
    case 'OVERDUE':
    case 'CALLBACK_DUE':
    case 'UNREACHABLE':
      return [{ type, ...base } as AppealEvent];
    case 'EDIT_DRAFT':
      return [{ type, ...base, changes: { title: { from: 'title', to: 'new title' } } }];
    case 'DISPATCH':
      return [{ type, ...base, departmentId: 1, assistingDepartmentIds: [], acceptDueAt: later }];
    case 'HAND_TO_POLICY_LEAD':
      return [
        {
          type,
          ...base,
          policyId: 1,
          reason: 'consultation',
          leadDepartmentId: 1,
          chiefRepresentativeId: null,
          acceptDueAt: later,
          dueAt: later,
          dueUnit: 'workingDays',
        },
      ];
    case 'ASSIGN_GRID':
      return [{ type, ...base, gridId: 1, acceptDueAt: later }];
    case 'RESOLVE_ON_SPOT':
      return [{ type, ...base, answer: 'answer' }];
    case 'MERGE_INTO':
      return [{ type, ...base, targetAppealId: 1 }];
    case 'RECLASSIFY': {
      const c = { categoryId: 1, appealType: 'complaint', urgency: 'normal', address: null, gridId: null } as const;
      return [{ type, ...base, ...c, from: c, previousDueAt: null, dueAt: later, dueUnit: 'workingDays' }];
    }
    case 'REFER':
      return [{ type, ...base, kind: 'mediation', agencyId: 1, referralId: 1 }];
    case 'REFER_ON':
      return [
        {
          type,
          ...base,
          kind: 'legalAid',
          agencyId: 1,
          referralId: (snapshot.context.referralId ?? 0) + 1,
          fromReferralId: snapshot.context.referralId ?? 0,
        },
      ];
    case 'SUB_DISPATCH': {
      const current = snapshot.context.assigneeDepartmentId ?? 0;
      return [{ type, ...base, departmentId: current + 1, acceptDueAt: later }];
    }
    case 'ASSIST_ACCEPT':
      return actor.departmentIds.map((assistDepartmentId) => ({ type, ...base, assistDepartmentId }));
    case 'ASSIST_OPINION':
      return actor.departmentIds.map((assistDepartmentId) => ({ type, ...base, assistDepartmentId, text: 'opinion' }));
    case 'RETURN':
    case 'REJECT_RETURN':
    case 'REJECT_EXTENSION':
    case 'SUPERVISOR_CLOSE':
      return [{ type, ...base, reason: 'reason' }];
    case 'REJECT_REPLY':
    case 'REDO':
    case 'VERIFY_REJECT':
      return REDO_TARGETS.map((redoTo) => ({ type, ...base, reason: 'reason', redoTo }));
    case 'REOPEN':
      return [{ type, ...base, reason: 'reason', dueAt: later }];
    case 'NOTE':
      return [{ type, ...base, text: 'note' }];
    case 'FIELD_UPDATE':
      return [{ type, ...base, text: 'update' }];
    case 'REQUEST_EXTENSION':
      return [{ type, ...base, days: 1, reason: 'reason' }];
    case 'APPROVE_EXTENSION':
      return [{ type, ...base, newDueAt: later }];
    case 'REPLY':
      return [
        { type, ...base, result: 'result', resolved: true },
        { type, ...base, result: 'result', resolved: true, assistOverride: 'reason' },
      ];
    case 'REFERRAL_DONE':
      return [
        { type, ...base, outcome: 'resolved', referralId: snapshot.context.referralId ?? 0 },
        { type, ...base, outcome: 'refused', referralId: snapshot.context.referralId ?? 0 },
      ];
    case 'APPROVE_REPLY':
      return [{ type, ...base, callbackDueAt: later }];
    case 'VERIFY_APPROVE':
      return [{ type, ...base, callbackDueAt: later }];
    case 'SELF_HANDLE':
      return actor.gridIds.map((gridId) => ({ type, ...base, result: 'result', gridId }));
    case 'FEEDBACK':
      return SATISFACTION_LEVELS.map((satisfaction) => ({ type, ...base, satisfaction, resolved: true }));
    case 'SUPERVISE':
      return [{ type, ...base, note: 'note' }];
    case 'MARK_UNREASONABLE':
      return [
        { type, ...base, unreasonable: true, reason: 'reason' },
        { type, ...base, unreasonable: false, reason: 'reason' },
      ];
    case 'ESCALATE':
      return [{ type, ...base, to: 'leader', note: 'note' }];
    case 'WITHDRAW':
      return [{ type, ...base, reason: 'reason' }];
    case 'SUPPLEMENT':
      return [{ type, ...base, text: 'more information' }];
  }
}

/** Where a redo (重办) of this kind may go now for this actor: the machine's guards decide, the form offers these. */
export function redoTargets(
  snapshot: AppealSnapshot,
  actor: Actor,
  type: 'REJECT_REPLY' | 'REDO' | 'VERIFY_REJECT',
  at: string = new Date().toISOString(),
): RedoTarget[] {
  return REDO_TARGETS.filter((redoTo) => snapshot.can({ type, actor, at, reason: 'reason', redoTo } as AppealEvent));
}

/**
 * Event types this actor could send now, judged with representative payloads.
 * `at` matters only for time-window rules (reopening).
 */
export function acceptedEventTypes(
  snapshot: AppealSnapshot,
  actor: Actor,
  at: string = new Date().toISOString(),
): AppealEventType[] {
  return APPEAL_EVENT_TYPES.filter(
    (type) => roleAllowed(actor.role, type) && sampleEvents(type, snapshot, actor, at).some((e) => snapshot.can(e)),
  );
}
