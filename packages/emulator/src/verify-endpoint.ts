import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorState } from './emulator-state.js';
import { isPlainObject } from './is-plain-object.js';
import { readBody } from './read-body.js';
import { errorBody, sendJson } from './respond.js';
import type { TokenVerification } from './types.js';

/** Where the stand-in plug.js asks whose session token it was given. */
export const VERIFY_PATH = '/plug/verify';

// The page calling this is on another origin (the app under test), and its JSON POST is
// not a "simple" request, so the browser sends a preflight first (Fetch standard, CORS).
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
};

/** Answers the CORS preflight of `POST /plug/verify`. */
export function handleVerifyPreflight(res: ServerResponse): void {
  res.writeHead(204, { ...CORS, 'content-length': 0 });
  res.end();
}

/**
 * Answers `POST /plug/verify` with `{ session_token }`: whether the emulator minted the
 * token (and it is unexpired), and if so whose it is. Every check is recorded.
 */
export async function handleVerify(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req, 64 * 1024);
  if (body.kind === 'aborted') return;
  if (body.kind === 'too-large') {
    sendJson(res, 413, errorBody(413), { ...CORS, connection: 'close' });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.bytes.toString('utf8'));
  } catch {
    sendJson(res, 400, { type: 'parse_error', message: 'The body is not valid JSON.' }, CORS);
    return;
  }
  const token = isPlainObject(parsed) ? parsed.session_token : undefined;
  const at = Date.now();
  if (typeof token !== 'string' || token === '') {
    state.verifications.push({ valid: false, reason: 'missing', at });
    sendJson(res, 200, { valid: false, reason: 'missing' }, CORS);
    return;
  }
  const result = state.signer.verify(token, Math.floor(at / 1000));
  state.verifications.push(
    result.valid
      ? { valid: true, userRef: result.claims.sub, at }
      : { valid: false, reason: result.reason, at },
  );
  sendJson(res, 200, describe(result), CORS);
}

function describe(result: TokenVerification): Record<string, unknown> {
  if (!result.valid) return { valid: false, reason: result.reason };
  const { claims } = result;
  const traits = claims.user_traits ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    valid: true,
    user_ref: claims.sub,
    display_name: text(traits.display_name),
    email: text(traits.email),
    account_ref: claims.account_ref ?? null,
    workspace_ref: claims.workspace_ref ?? null,
  };
}
