import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAuthorized } from './authorization.js';
import type { EmulatorState } from './emulator-state.js';
import { answerWithFault, faultStatus } from './fault-responses.js';
import { isPlainObject } from './is-plain-object.js';
import { readBody } from './read-body.js';
import { errorBody, sendJson } from './respond.js';
import { checkRevInfoBody } from './rev-info-rules.js';
import { sleep } from './sleep.js';
import { mintToken } from './token-minter.js';

/** The token paths: the seed's, and the one newer DevRev docs show. */
export const TOKEN_PATHS = ['/internal/auth-tokens.create', '/auth-tokens.create'] as const;

/**
 * Answers `POST` on a token path as DevRev would, unless a fault says otherwise: the
 * call is recorded (never its authorization), the fault taken on arrival so that
 * concurrent calls take faults in the order they came in.
 */
export async function handleTokenRequest(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const at = Date.now();
  state.callCount += 1;
  const fault = state.faults.next();
  const body = await readBody(req);
  if (body.kind === 'aborted') return;

  const parsed = body.kind === 'complete' ? parseJson(body.bytes) : undefined;
  const revInfo = isPlainObject(parsed?.value) ? parsed.value.rev_info : undefined;
  const recorded = isPlainObject(revInfo) ? revInfo : undefined;
  // Recorded before answering, so a test that has its response also sees the call.
  const record = (status: number | undefined) => {
    state.calls.push({ path, revInfo: recorded, status, at });
  };

  if (!(await sleep(state.latencyMs, state.closing))) return;
  if (fault?.type === 'delay' && !(await sleep(fault.ms, state.closing))) return;

  if (body.kind === 'too-large') {
    record(413);
    sendJson(res, 413, errorBody(413), { connection: 'close' });
    return;
  }
  const mint = () => mintToken(state.signer, recorded, state.tokenTtlSeconds);
  if (fault && fault.type !== 'delay') {
    record(faultStatus(fault));
    await answerWithFault(fault, {
      res,
      signal: state.closing,
      successBody: () => JSON.stringify(mint()),
      expiresIn: state.tokenTtlSeconds,
    });
    return;
  }

  const answer = normalAnswer(state, req, parsed);
  record(answer.status);
  sendJson(res, answer.status, answer.status === 201 ? mint() : answer.body);
}

function normalAnswer(
  state: EmulatorState,
  req: IncomingMessage,
  parsed: { value: unknown } | undefined,
): { status: number; body?: unknown } {
  if (!isAuthorized(req.headers.authorization, state.appAccessToken)) {
    return { status: 401, body: errorBody(401) };
  }
  if (!parsed) {
    return {
      status: 400,
      body: { type: 'parse_error', message: 'The request body is not valid JSON.' },
    };
  }
  const problem = checkRevInfoBody(parsed.value);
  return problem ? { status: 400, body: problem } : { status: 201 };
}

function parseJson(bytes: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return undefined;
  }
}
