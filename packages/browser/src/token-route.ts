import { warn } from './warn.js';

/**
 * What the token route says of the visitor: their session token, `null` for an anonymous
 * visitor, or `undefined` when it gave no usable answer (a 503, a network failure, a body
 * that is not the route's JSON), after one warning.
 */
export type RouteAnswer = string | null | undefined;

interface RouteBody {
  session_token?: unknown;
  error?: unknown;
}

/**
 * Asks the token route who the visitor is, with the page's cookies (same-origin
 * credentials), never from the HTTP cache: the answer changes with every sign-in.
 */
export async function askTokenRoute(route: string): Promise<RouteAnswer> {
  let response: Response;
  let body: RouteBody | undefined;
  try {
    response = await fetch(route, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json' },
    });
  } catch (error) {
    warn(`could not reach the token route ${route}: no widget is shown`, error);
    return undefined;
  }
  try {
    body = (await response.json()) as RouteBody;
  } catch {
    // Even its 503 is JSON: this is not plug-session answering (an app's fallback page?).
    warn(
      `the token route ${route} answered ${response.status} without JSON (is plug-session's tokenRoute set to it?): no widget is shown`,
    );
    return undefined;
  }
  const token = body?.session_token;
  if (response.status === 200 && token === null) return null;
  if (response.status === 200 && typeof token === 'string' && token !== '') return token;
  const code = typeof body?.error === 'string' ? ` (${body.error})` : '';
  warn(
    response.status === 503
      ? `the token route ${route} could not get a session token${code}: no widget is shown (the server log says why)`
      : `the token route ${route} answered ${response.status}${code} without a session token: no widget is shown`,
  );
  return undefined;
}
