import type { HeaderValue } from './response-facts.js';

// The directives that govern a <script> element, most specific first (CSP3 §6.8.4 fallback list).
const DIRECTIVES = ['script-src-elem', 'script-src', 'default-src'];
const NONCE_SOURCE = /^'nonce-([A-Za-z0-9+/_-]+={0,2})'$/i;

/** The nonces one policy accepts for a script element; `[]` when it names none. */
function policyNonces(policy: string): string[] {
  const directives = new Map<string, string[]>();
  for (const directive of policy.split(';')) {
    const [name, ...values] = directive.trim().split(/[\t\n\f\r ]+/);
    // A repeated directive is ignored: the first one counts (CSP3 §2.2.1).
    const key = name?.toLowerCase();
    if (key && !directives.has(key)) directives.set(key, values);
  }
  const chosen = DIRECTIVES.find((name) => directives.has(name));
  const values = chosen === undefined ? [] : directives.get(chosen)!;
  return values.flatMap((value) => NONCE_SOURCE.exec(value)?.[1] ?? []);
}

/**
 * The script nonce of an enforced `Content-Security-Policy` header: the first `'nonce-…'` of
 * `script-src-elem`, else `script-src`, else `default-src`. Several policies (an array, or one
 * value joined with commas) must all allow the script, so a nonce that every nonce-bearing
 * policy accepts is preferred; otherwise the first policy's. Malformed input yields `undefined`.
 * @example
 * nonceFromCsp("default-src 'self'; script-src 'nonce-r4nd0m' 'strict-dynamic'"); // 'r4nd0m'
 * nonceFromCsp(undefined); // undefined
 */
export function nonceFromCsp(header: HeaderValue): string | undefined {
  if (header === undefined) return undefined; // most pages: nothing to parse
  const values = typeof header === 'string' ? [header] : Array.isArray(header) ? header : [];
  const policies = values
    .filter((value): value is string => typeof value === 'string')
    .flatMap((value) => value.split(','));
  const sets = policies.map(policyNonces).filter((nonces) => nonces.length > 0);
  const first = sets[0];
  if (first === undefined) return undefined;
  return first.find((nonce) => sets.every((set) => set.includes(nonce))) ?? first[0];
}
