import type { Runtime } from './runtime.server';

declare module '@remix-run/node' {
  interface AppLoadContext {
    runtime: Runtime;
  }
}
export {};
