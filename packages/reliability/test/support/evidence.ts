import { isPlugSessionError } from '@plug-session/core';
import { dumpReply, type Reply } from '../../../conformance/src/support/http.js';
import { dumpError } from '../../../conformance/src/support/logs.js';
import {
  expectInjectedOnce,
  expectUntouched,
  type FoundSnippet,
} from '../../../conformance/src/support/snippet.js';
import { claimsOf } from '../../../conformance/src/support/users.js';
import type { Sample } from './load.js';
import { AAT_MARK } from './setup.js';

/** What a route of the test apps is, so its answer can be judged. */
export type RouteKind = 'page' | 'echo' | 'token-route';

/** How to judge the replies of one app. */
export interface AppFacts {
  /** The configured `injectScript.scriptSrc`. */
  scriptSrc: string;
  /** What each path is, and for pages the exact bytes the route sends. */
  routes: Record<string, { kind: 'page'; original: Buffer } | { kind: Exclude<RouteKind, 'page'> }>;
  /** The `user_ref` a user header stands for (`undefined`: anonymous). @default the header itself */
  refOf?: (user: string) => string;
  /** Whether a token is genuine (signed by the emulator that minted it). */
  genuine?: (token: string) => boolean;
}

/** The outcome of one judged request. */
export interface Judged {
  /** The session token the request's answer carried for its user, if any. */
  token?: string;
  /** The page carried the PLuG snippet. */
  injected: boolean;
  problems: string[];
}

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/g;
const CODES = new Set([
  'INVALID_REV_INFO',
  'RESOLVER_FAILED',
  'UNAUTHORIZED',
  'BAD_REQUEST',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'TIMEOUT',
  'NETWORK',
  'BAD_RESPONSE',
  'INVALID_NONCE',
  'STORE_FAILED',
]);

/** Runs a conformance `expect…` helper and turns its assertion error into a problem. */
function attempt<T>(problems: string[], what: string, check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    problems.push(`${what}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
    return undefined;
  }
}

/**
 * Judges one answer: the status and body the route must give (the original page with at most
 * one snippet, the snippet's token only for a user who got one), no AAT anywhere in it, and
 * every session token in it (headers and body) minted for the requesting user.
 */
export function judge(sample: Sample, facts: AppFacts): Judged {
  const problems: string[] = [];
  const { reply, user, path } = sample;
  const where = `${path} as ${user ?? 'anonymous'}`;
  if (!reply) return { injected: false, problems: [`${where}: no answer (${sample.failure})`] };
  const route = facts.routes[path.split('?')[0]!];
  if (!route) return { injected: false, problems: [`${where}: unknown route`] };
  const ref = user === undefined ? undefined : (facts.refOf ?? ((u) => u))(user);

  const dumped = dumpReply(reply);
  if (dumped.includes(AAT_MARK)) problems.push(`${where}: the AAT is in the answer`);
  for (const [jwt] of dumped.matchAll(JWT)) {
    const sub = attempt(
      problems,
      `${where}: a token that does not decode`,
      () => claimsOf(jwt).sub,
    );
    if (ref === undefined) problems.push(`${where}: an anonymous visitor got a token for ${sub}`);
    else if (sub !== ref) problems.push(`${where}: got a token minted for ${String(sub)}`);
    if (facts.genuine && !facts.genuine(jwt))
      problems.push(`${where}: a token that is not genuine`);
  }

  let judged: Judged;
  if (route.kind === 'page') judged = judgePage(reply, route.original, facts.scriptSrc, ref, where);
  else if (route.kind === 'echo') judged = judgeEcho(reply, ref, where);
  else judged = judgeTokenRoute(reply, ref, where);
  judged.problems.unshift(...problems);
  return judged;
}

function judgePage(
  reply: Reply,
  original: Buffer,
  scriptSrc: string,
  ref: string | undefined,
  where: string,
): Judged {
  const problems: string[] = [];
  if (reply.status !== 200) problems.push(`${where}: status ${reply.status}`);
  if (!/^text\/html/.test(reply.header('content-type') ?? '')) {
    problems.push(`${where}: content-type ${reply.header('content-type')}`);
  }
  if (!reply.body.includes(scriptSrc)) {
    attempt(problems, `${where}: not the original page`, () =>
      expectUntouched(reply.body, original),
    );
    if (ref === undefined) problems.push(`${where}: an anonymous visitor got no widget`);
    return { injected: false, problems };
  }
  const snippet: FoundSnippet | undefined = attempt(problems, `${where}: a broken page`, () =>
    expectInjectedOnce(reply.body, original, scriptSrc, where),
  );
  const token = snippet?.arg.session_token;
  if (snippet && ref !== undefined && typeof token !== 'string') {
    problems.push(`${where}: an identified user got an anonymous widget`);
  }
  if (snippet && ref === undefined && token !== undefined) {
    problems.push(`${where}: an anonymous visitor got a session_token`);
  }
  if (typeof token === 'string') {
    const cacheControl = reply.header('cache-control') ?? '';
    if (!/\bprivate\b/.test(cacheControl) || !/\bno-store\b/.test(cacheControl)) {
      problems.push(`${where}: a page with a token that a shared cache may keep (${cacheControl})`);
    }
  }
  return {
    ...(typeof token === 'string' ? { token } : {}),
    injected: snippet !== undefined,
    problems,
  };
}

function judgeEcho(reply: Reply, ref: string | undefined, where: string): Judged {
  const problems: string[] = [];
  if (reply.status !== 200)
    return { injected: false, problems: [`${where}: status ${reply.status}`] };
  const echo = attempt(problems, `${where}: not JSON`, () => reply.json()) as
    | { token?: unknown; seen?: unknown }
    | undefined;
  if (echo?.seen !== true) problems.push(`${where}: the token was not set before the handler ran`);
  const token = echo?.token;
  if (token !== null && typeof token !== 'string')
    problems.push(`${where}: token ${String(token)}`);
  if (ref === undefined && token !== null) problems.push(`${where}: an anonymous visitor's token`);
  return { ...(typeof token === 'string' ? { token } : {}), injected: false, problems };
}

function judgeTokenRoute(reply: Reply, ref: string | undefined, where: string): Judged {
  const problems: string[] = [];
  if (reply.header('cache-control') !== 'no-store') problems.push(`${where}: cacheable`);
  const body = attempt(problems, `${where}: not JSON`, () => reply.json()) as
    | Record<string, unknown>
    | undefined;
  if (reply.status === 503 && ref !== undefined && typeof body?.error === 'string') {
    return { injected: false, problems };
  }
  if (reply.status !== 200)
    return { injected: false, problems: [...problems, `${where}: status ${reply.status}`] };
  const token = body?.session_token;
  if (ref === undefined && token !== null) problems.push(`${where}: an anonymous visitor's token`);
  if (ref !== undefined && typeof token !== 'string')
    problems.push(`${where}: 200 without a token`);
  return { ...(typeof token === 'string' ? { token } : {}), injected: false, problems };
}

/** What a scenario saw, and every problem with it; cheap to keep for thousands of requests. */
export class Evidence {
  readonly problems: string[] = [];
  problemCount = 0;
  replies = 0;
  injected = 0;
  tokens = 0;
  errors = 0;
  logLines = 0;
  private logOffset = 0;
  private readonly dumped = new Set<string>();

  /** Records a problem (the first 40 are kept verbatim). */
  problem(text: string): void {
    this.problemCount += 1;
    if (this.problems.length < 40) this.problems.push(text);
  }

  /** Judges one answer with {@link judge} and counts it. */
  reply(sample: Sample, facts: AppFacts): Judged {
    const judged = judge(sample, facts);
    this.replies += 1;
    if (judged.injected) this.injected += 1;
    if (judged.token !== undefined) this.tokens += 1;
    for (const text of judged.problems) this.problem(text);
    return judged;
  }

  /**
   * An error given to `onError`: a PlugSessionError with a known code, without the AAT in its
   * message, properties, JSON, inspection or stack, down its cause chain. Errors that only
   * differ by their stack frames are dumped once (they number in thousands under load).
   */
  error(error: unknown): void {
    this.errors += 1;
    if (!isPlugSessionError(error) || !CODES.has(error.code)) {
      this.problem(`onError got something else than a PlugSessionError: ${String(error)}`);
      return;
    }
    const kind = `${error.code}\u0000${error.message}\u0000${String(error.cause)}`;
    if (this.dumped.has(kind)) return;
    this.dumped.add(kind);
    if (dumpError(error).includes(AAT_MARK)) this.problem(`the AAT is in a ${error.code} error`);
  }

  /** Searches the log lines captured since the last call for the AAT. */
  logs(lines: readonly string[]): void {
    for (; this.logOffset < lines.length; this.logOffset++) {
      this.logLines += 1;
      if (lines[this.logOffset]!.includes(AAT_MARK)) {
        this.problem(`the AAT is in a log line: ${lines[this.logOffset]!.slice(0, 200)}`);
      }
    }
  }

  /** Adds another scenario's counts and problems to this one. */
  absorb(other: Evidence): void {
    for (const text of other.problems) this.problem(text);
    this.problemCount += other.problemCount - other.problems.length;
    this.replies += other.replies;
    this.injected += other.injected;
    this.tokens += other.tokens;
    this.errors += other.errors;
  }
}
