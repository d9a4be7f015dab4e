import { type HeaderAccess, type InjectionPlan, injectNodeBody } from '@plug-session/core/node';
import type { FastifyReply } from 'fastify';

/** Core's header access over a Fastify reply. */
export function headersOf(reply: FastifyReply): HeaderAccess {
  return {
    get: (name) => reply.getHeader(name),
    set: (name, value) => void reply.header(name, value),
    remove: (name) => void reply.removeHeader(name),
  };
}

// A `Response` is unpacked as Fastify's onSendEnd would, so that its status and headers count.
function unpackResponse(reply: FastifyReply, payload: object): unknown {
  if (Object.prototype.toString.call(payload) !== '[object Response]') return payload;
  const response = payload as Response;
  reply.code(response.status);
  for (const [name, value] of response.headers) reply.header(name, value);
  return response.body;
}

// Errors of a streamed page reach Fastify through the returned stream, and the source is
// destroyed when the client goes away.
export function injectPayload(
  reply: FastifyReply,
  payload: unknown,
  plan: () => InjectionPlan | undefined,
): unknown {
  const body = typeof payload === 'object' && payload ? unpackResponse(reply, payload) : payload;
  return injectNodeBody(body, plan) ?? body;
}
