// REST routes that analyse images (`analyses: true` in their spec) pass the engine's admission control in the auth
// hook, after the rate limit and before the daily quota is counted: a request refused for capacity is answered at
// once with 429 + Retry-After and uses none of the key's quota. The client is the API key or token subject, else
// the caller's address. The ticket is held while the handler runs (and freed however the response ends).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Admission, Ticket } from '../../vision/admission/admission.control.ts';
import { runAdmitted } from '../../vision/admission/request.scope.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The handler runs the engine on the request's images (RouteSpec.analyses). */
    analyses?: boolean;
  }
  interface FastifyRequest {
    engineTicket?: Ticket;
  }
}

/** Admits an analysing route's request or throws THROTTLED; other routes pass untouched. */
export function admitAnalysis(admission: Admission) {
  return (request: FastifyRequest, reply: FastifyReply): void => {
    if (!request.routeOptions.config.analyses) return;
    const p = request.principal;
    const client = p && p.kind !== 'anonymous' ? `${p.kind}:${p.id}` : `ip:${request.ip}`;
    const ticket = admission.admit(client);
    request.engineTicket = ticket;
    // A body that fails to parse never reaches the handler: the ticket is freed when the response ends.
    reply.raw.once('close', () => ticket.release());
  };
}

/** Runs a handler with the request's ticket in scope, freeing it as soon as the handler is done. */
export async function withTicket<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  const ticket = request.engineTicket;
  if (!ticket) return work();
  try {
    return await runAdmitted(ticket, work);
  } finally {
    ticket.release();
  }
}
