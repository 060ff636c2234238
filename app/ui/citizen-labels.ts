import type { PublicStatus, PublicStepKind } from '../citizen/tracking.server';

// What the citizen reads for an appeal's public status and steps, on the tracking page and in "my appeals".

export const PUBLIC_STATUS_LABELS: Record<PublicStatus, string> = {
  received: '已受理',
  handling: '办理中',
  answered: '已答复',
  closed: '已办结',
  merged: '已并入同类诉求',
  void: '已撤销',
  withdrawn: '已撤回',
};

export const PUBLIC_STEP_LABELS: Record<PublicStepKind, string> = {
  received: '诉求已受理',
  dispatched: '已转交 {{department}} 办理',
  answered: '承办单位已答复',
  feedback: '已回访',
  redo: '重新办理',
  reopened: '重新受理',
  closed: '已办结',
  merged: '已并入同类诉求一并办理',
  supplemented: '您补充了材料',
  withdrawn: '您已撤回诉求',
};
