import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { type HeaderAccess, type InjectionPlan, injectNodeStream } from '@plug-session/core';
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

// fastify-compress's order: nothing; a string or Buffer at once; a Node, then a Web stream.
export function injectPayload(
  reply: FastifyReply,
  payload: unknown,
  plan: () => InjectionPlan | undefined,
) {
  if (payload === null || payload === undefined) return payload;
  if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
    return plan()?.injectBody(payload) ?? payload;
  }
  const body = typeof payload === 'object' ? unpackResponse(reply, payload) : payload;
  if (body === null || typeof body !== 'object') return body;
  const isNode = 'pipe' in body && typeof body.pipe === 'function';
  if (!isNode && !('getReader' in body)) return body;
  const current = plan();
  if (current === undefined) return body;
  const source = isNode ? (body as Readable) : Readable.fromWeb(body as ReadableStream);
  // Errors reach Fastify through the returned stream, and the source is destroyed when the
  // client goes away.
  return injectNodeStream(current, source);
}
