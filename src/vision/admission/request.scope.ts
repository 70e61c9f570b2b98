// Which admitted request an engine call belongs to, without widening the FaceEngine interface: the API adapters run
// an admitted request's handler inside `runAdmitted`, and the engine finds the ticket in the async context when it
// schedules an analysis. Calls outside any request (cameras, pipeline jobs, the CLI) are background work: never
// refused (their producers bound themselves), but they take turns with the clients.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SlotScheduler } from './slot.scheduler.ts';

/** The scheduler's client key for work that no admitted request asked for. */
export const BACKGROUND_CLIENT = 'background';

/** The part of an admission ticket the engine needs. */
export interface RequestTicket {
  readonly client: string;
  charge(ms: number): void;
}

const scope = new AsyncLocalStorage<RequestTicket>();

/** Runs an admitted request's work with its ticket in scope. */
export function runAdmitted<T>(ticket: RequestTicket, work: () => Promise<T>): Promise<T> {
  return scope.run(ticket, work);
}

/** Runs one engine task in a slot, on behalf of the request in scope (or as background), charging its time. */
export async function scheduled<T>(scheduler: SlotScheduler, task: () => Promise<T>): Promise<T> {
  const ticket = scope.getStore();
  return scheduler.run(ticket?.client ?? BACKGROUND_CLIENT, async () => {
    const started = performance.now();
    try {
      return await task();
    } finally {
      ticket?.charge(performance.now() - started);
    }
  });
}
