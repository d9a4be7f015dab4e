import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorState } from './emulator-state.js';
import { PLUG_SCRIPT, PLUG_SCRIPT_PATH } from './plug-script.js';
import { errorBody, sendJson } from './respond.js';
import { handleTokenRequest, TOKEN_PATHS } from './token-endpoint.js';
import { handleVerify, handleVerifyPreflight, VERIFY_PATH } from './verify-endpoint.js';

const PLUG_SCRIPT_BYTES = Buffer.from(PLUG_SCRIPT);

/** Sends each request to its handler; the wrong method is 405, an unknown path 404. */
export async function route(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // Only the path matters. Not parsed with URL: a request target such as `//x` would
  // become a host name there, or throw.
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const method = req.method ?? 'GET';

  if ((TOKEN_PATHS as readonly string[]).includes(path)) {
    if (method !== 'POST') return notAllowed(res, 'POST');
    return handleTokenRequest(state, req, res, path);
  }
  if (path === VERIFY_PATH) {
    if (method === 'OPTIONS') return handleVerifyPreflight(res);
    if (method !== 'POST') return notAllowed(res, 'POST, OPTIONS');
    return handleVerify(state, req, res);
  }
  if (path === PLUG_SCRIPT_PATH) {
    if (method !== 'GET' && method !== 'HEAD') return notAllowed(res, 'GET, HEAD');
    res.writeHead(200, {
      'content-type': 'application/javascript; charset=utf-8',
      'content-length': PLUG_SCRIPT_BYTES.length,
      // Loaded by pages on other origins, some with COEP or strict CSP.
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    res.end(method === 'HEAD' ? undefined : PLUG_SCRIPT_BYTES);
    return;
  }
  sendJson(res, 404, errorBody(404, `No route for ${method} ${path}.`));
}

function notAllowed(res: ServerResponse, allow: string): void {
  sendJson(res, 405, errorBody(405, `Use ${allow} here.`), { allow });
}
