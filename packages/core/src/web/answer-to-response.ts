import type { TokenRouteResponse } from '../engine/plug-session-types.js';

/**
 * The token route's answer as a Web `Response`, for servers built on Request/Response (Hono,
 * Bun, Deno, Workers): its status, headers (`no-store`, `nosniff`, JSON) and body.
 * @example
 * const outcome = await plug.handle(request, { method, path, shared: request });
 * if (outcome.kind === 'answer') return answerToResponse(outcome.answer);
 */
export function answerToResponse(answer: TokenRouteResponse): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
