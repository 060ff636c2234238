import { createActor, type AnyActorScope, type AnyStateMachine } from 'xstate';

const scopes = new WeakMap<AnyStateMachine, AnyActorScope>();

/**
 * The scope xstate's pure `transition()` needs. It would build a throwaway actor, initial state included, on every
 * call; the lifecycle machines spawn, invoke and emit nothing, so one inert scope per machine serves every step.
 * `input` only lets the scope's own actor be created.
 */
export function pureScope(machine: AnyStateMachine, input: unknown): AnyActorScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine, { input });
    scope = {
      self,
      id: '',
      sessionId: '',
      system: self.system,
      defer: () => {},
      logger: () => {},
      stopChild: () => {},
      emit: () => {},
      actionExecutor: () => {},
    } as unknown as AnyActorScope;
    scopes.set(machine, scope);
  }
  return scope;
}
