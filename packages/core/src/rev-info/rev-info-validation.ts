import * as v from 'valibot';
import type { RevInfoIssue } from '../errors.js';
import { isObject, type RevInfo, revInfoSchema, traits } from './rev-info-schema.js';

/** The outcome of {@link validateRevInfo}. */
export type RevInfoValidation =
  | { success: true; output: RevInfo }
  | { success: false; issues: RevInfoIssue[] };

/** Edit distance, capped: only near misses are worth a suggestion. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 40) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const swap = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, swap);
    }
    prev = row;
  }
  return prev[b.length]!;
}

function unknownKey(key: string, known: string[]): string {
  const near = known.find((k) => distance(key, k) <= 2);
  return `unknown key "${key}"${near ? `; did you mean "${near}"?` : ''}`;
}

// valibot's strictObject stops at the first unknown key and its record skips `__proto__`,
// `constructor` and `prototype`; walking the objects ourselves reports every one of them.
function unknownKeys(input: unknown): RevInfoIssue[] {
  const issues: RevInfoIssue[] = [];
  const walk = (value: unknown, known: string[], prefix: string) => {
    if (!isObject(value)) return;
    for (const key in value) {
      if (!known.includes(key))
        issues.push({ path: prefix + key, message: unknownKey(key, known) });
    }
  };
  walk(input, Object.keys(revInfoSchema.entries), '');
  if (!isObject(input)) return issues;
  for (const [name, schema] of Object.entries(traits)) {
    const value = input[name];
    walk(value, Object.keys(schema.entries), `${name}.`);
    const fields = isObject(value) ? value.custom_fields : undefined;
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      if (isObject(fields) && Object.hasOwn(fields, key)) {
        issues.push({
          path: `${name}.custom_fields.${key}`,
          message: 'custom field keys must start with tnt__',
        });
      }
    }
  }
  return issues;
}

function dropUndefined<T>(value: T): T {
  if (!isObject(value) || Array.isArray(value)) return value;
  for (const key of Object.keys(value)) {
    if (value[key] === undefined) delete value[key];
    else dropUndefined(value[key]);
  }
  return value;
}

/**
 * Checks a rev_info against {@link revInfoSchema} and lists every problem at once, with dotted
 * paths from its root (`user_traits.phone_numbers.0`). Never throws, whatever the input.
 * The output drops keys whose value is `undefined`: it is what goes upstream.
 * @example
 * const result = validateRevInfo({ user_ref: 'u-42', user_traits: { emial: 'a@b.co' } });
 * // { success: false, issues: [{ path: 'user_traits.emial', message: 'unknown key "emial"; did you mean "email"?' }] }
 */
export function validateRevInfo(input: unknown): RevInfoValidation {
  try {
    const result = v.safeParse(revInfoSchema, input);
    const extra = unknownKeys(input);
    const issues = (result.issues ?? [])
      .map((issue) => ({
        path: v.getDotPath(issue) ?? '',
        message: issue.message,
        unknown: issue.expected === 'never',
      }))
      .filter((issue) => !(issue.unknown && extra.some((e) => e.path === issue.path)))
      .map(({ path, message }) => ({ path, message }))
      .concat(extra);
    if (result.success && issues.length === 0)
      return { success: true, output: dropUndefined(result.output) };
    return { success: false, issues };
  } catch {
    // A throwing getter or proxy: report it rather than break the request.
    return {
      success: false,
      issues: [{ path: '', message: 'could not be read (a getter or proxy threw)' }],
    };
  }
}

const LISTED = 50;

/**
 * One line listing the issues, for an error message: `user_ref: required; user_traits.email: …`.
 * Past 50 issues the rest are counted, not listed (they stay in `error.issues`).
 * @example
 * formatIssues([{ path: 'user_ref', message: 'required' }]); // 'user_ref: required'
 */
export function formatIssues(issues: readonly RevInfoIssue[]): string {
  const listed = issues.slice(0, LISTED).map((i) => `${i.path || 'rev_info'}: ${i.message}`);
  if (issues.length > LISTED) listed.push(`and ${issues.length - LISTED} more`);
  return listed.join('; ');
}
