import type { ServerResponse } from 'node:http';
import { errorBody, sendJson } from './respond.js';
import { sleep } from './sleep.js';
import type { EmulatorFault } from './types.js';

/** What a fault needs besides the response: the close signal and a normal success body. */
export interface FaultContext {
  res: ServerResponse;
  signal: AbortSignal;
  /** The JSON text of a normal 201 answer for this request (a freshly minted token). */
  successBody: () => string;
  /** `expires_in` of a normal answer. */
  expiresIn: number;
}

type AnsweringFault = Exclude<EmulatorFault, { type: 'delay' }>;

/** The status a fault answers with; `undefined` for none (`hang`, `reset`). */
export function faultStatus(fault: AnsweringFault): number | undefined {
  switch (fault.type) {
    case 'status':
      return fault.status;
    case 'hang':
    case 'reset':
      return undefined;
    case 'malformed':
      return 200;
    default:
      return 201;
  }
}

/** Answers (or refuses to answer) the way the fault says; resolves once done. */
export async function answerWithFault(fault: AnsweringFault, context: FaultContext) {
  const { res } = context;
  switch (fault.type) {
    case 'status':
      return answerStatus(fault, res);
    case 'hang':
      // Nothing is ever written; close() destroys the socket.
      return;
    case 'reset':
      // An RST rather than a FIN, so the client sees ECONNRESET as with a real dropped link.
      res.socket?.resetAndDestroy();
      return;
    case 'malformed':
      // A body cut short: labelled JSON, so only a client that checks the parse notices.
      writeText(res, 200, 'application/json', '{"access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIi');
      return;
    case 'no-token':
      sendJson(res, 201, { expires_in: context.expiresIn, token_type: 'bearer' });
      return;
    case 'oversize':
      return streamOversize(fault.bytes, context);
    case 'drip':
      return drip(fault.intervalMs ?? 1000, context);
  }
}

function answerStatus(fault: Extract<EmulatorFault, { type: 'status' }>, res: ServerResponse) {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.ceil(fault.retryAfterSeconds));
  }
  if (typeof fault.body === 'string') {
    writeText(res, fault.status, 'text/plain; charset=utf-8', fault.body, headers);
  } else {
    const body = fault.body ?? errorBody(fault.status, undefined, fault.retryAfterSeconds);
    sendJson(res, fault.status, body, headers);
  }
}

function writeText(
  res: ServerResponse,
  status: number,
  type: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

const CHUNK = 64 * 1024;
const PADDING = 'x'.repeat(CHUNK);

/**
 * A JSON body of exactly `bytes` bytes: a valid token answer padded with a `padding`
 * string when it fits, else the smallest JSON that does. Written in chunks with
 * back-pressure, so a gigabyte costs no more memory than 64 KiB.
 */
async function streamOversize(bytes: number, { res, signal, successBody }: FaultContext) {
  const answer = successBody();
  const head = `${answer.slice(0, -1)},"padding":"`;
  // Too small for a token: a JSON string of padding, or the number 0 for a single byte.
  const [prefix, suffix] =
    bytes >= head.length + 2 ? [head, '"}'] : bytes >= 2 ? ['"', '"'] : [bytes ? '0' : '', ''];
  res.writeHead(201, { 'content-type': 'application/json', 'content-length': bytes });
  if (!(await write(res, prefix))) return;
  for (let left = bytes - prefix.length - suffix.length; left > 0; left -= CHUNK) {
    if (signal.aborted || !(await write(res, PADDING.slice(0, left)))) return;
  }
  res.end(suffix);
}

/** The normal answer, one byte at a time, to test a client's whole-response timeout. */
async function drip(intervalMs: number, { res, signal, successBody }: FaultContext) {
  const body = Buffer.from(successBody());
  res.writeHead(201, { 'content-type': 'application/json', 'content-length': body.length });
  res.flushHeaders();
  for (let index = 0; index < body.length; index += 1) {
    if (index > 0 && !(await sleep(intervalMs, signal))) return;
    if (!(await write(res, body.subarray(index, index + 1)))) return;
  }
  res.end();
}

/** Writes, waiting for 'drain' when asked to; `false` once the client is gone. */
function write(res: ServerResponse, chunk: string | Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (chunk.length === 0 || res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok && !res.destroyed);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
