import { helpFor, type PlugSessionError, type RevInfoIssue } from '../errors.js';

/** The claims of a JWT's payload, or `undefined` when the token is not a readable JWT. */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
];

/** `in 59 min 58 s`, `in 2 d 3 h`, `3 min 5 s ago`: the two largest units, rounded down. */
export function relativeTime(target: Date, now: Date): string {
  const delta = target.getTime() - now.getTime();
  let rest = Math.abs(delta);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (parts.length === 2) break;
    const count = Math.floor(rest / size);
    if (count > 0 || parts.length > 0) parts.push(`${count} ${unit}`);
    rest -= count * size;
  }
  const span = parts.length > 0 ? parts.join(' ').replace(/ 0 \w+$/, '') : 'less than 1 s';
  return delta >= 0 ? `in ${span}` : `${span} ago`;
}

/** The lines listing a rev_info's problems, one per issue. */
export function issueLines(issues: readonly RevInfoIssue[]): string[] {
  return issues.map((issue) => `  - ${issue.path || 'rev_info'}: ${issue.message}`);
}

// More specific advice for the failures a person at a terminal can act on at once.
const CLI_HINTS: Partial<Record<PlugSessionError['code'], string>> = {
  TIMEOUT: 'give it more time with --timeout MS, or check that --endpoint is reachable',
  NETWORK: 'check --endpoint (scheme, host and port) and your network',
  BAD_REQUEST: 'check --endpoint (a 404 means a wrong path) and the rev_info',
  BAD_RESPONSE: 'check that --endpoint is the token endpoint, not another URL',
};

/** What to print when no token could be had: the code, DevRev's status, the message, advice. */
export function failureLines(error: PlugSessionError): string[] {
  const status = [
    error.status === undefined ? undefined : `HTTP ${error.status}`,
    error.type,
  ].filter(Boolean);
  const lines = [
    `error: no session token: ${error.code}${status.length > 0 ? ` (${status.join(', ')})` : ''}`,
    `  ${error.message}`,
  ];
  if (error.issues) lines.push(...issueLines(error.issues));
  const help = helpFor(error.code);
  if (!error.message.includes(help)) lines.push(`  what to do: ${help}`);
  const hint = CLI_HINTS[error.code];
  if (hint) lines.push(`  also: ${hint}`);
  return lines;
}

/**
 * plug-session times a token by its lifetime (`exp − iat`) from when it arrived, not by `exp`
 * against the local clock. When the two differ noticeably, the clocks do: say so.
 */
export function skewNote(claims: Record<string, unknown> | undefined, expiresAt: Date): string[] {
  const exp = claims?.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return [];
  const skewSeconds = Math.round((expiresAt.getTime() - exp * 1000) / 1000);
  if (Math.abs(skewSeconds) < 5) return [];
  return [
    `  (its exp claim says ${new Date(exp * 1000).toISOString()}: DevRev's clock and this one differ by about ${Math.abs(skewSeconds)} s, and plug-session counts the lifetime from when the token arrived)`,
  ];
}
