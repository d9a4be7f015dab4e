import * as v from 'valibot';

// Limits keep hostile input cheap to check; real rev_infos are far below them.
const MAX_REF = 1024;
const MAX_NAME = 1024;
const MAX_TEXT = 16_384;
const MAX_ITEMS = 100;
const MAX_CUSTOM_FIELDS = 200;

export const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null;

const PHONE = /^\+[1-9]\d{1,14}$/;
// Labels of letters, digits and inner hyphens, then an alphabetic (or punycode) TLD.
const HOST = /^(?:[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?\.)+(?:[a-z]{2,63}|xn--[a-z\d-]{1,59})$/i;
const CUSTOM_KEY = /^tnt__\S/;

const text = (max: number) =>
  v.pipe(v.string(), v.maxLength(max, `expected at most ${max} characters`));
const ref = v.pipe(text(MAX_REF), v.nonEmpty('expected a non-empty string'));
// abortPipeEarly: the email pattern never runs on an oversized string.
const email = v.config(v.pipe(text(254), v.email('expected an email address')), {
  abortPipeEarly: true,
});
const phone = v.pipe(v.string(), v.regex(PHONE, 'expected E.164, like +14155550100'));
const domain = v.pipe(
  v.string(),
  v.check(
    (s) => s.length <= 253 && HOST.test(s) && !/^www\./i.test(s),
    'expected a bare host name, like devrev.ai',
  ),
);

/** Checks the size before the item schema runs, so a huge array or object yields one issue. */
const sized = <T>(max: number, what: string) =>
  v.custom<T>(
    (x) => !isObject(x) || (Array.isArray(x) ? x.length : Object.keys(x).length) <= max,
    `expected at most ${max} ${what}`,
  );
const list = <T extends v.GenericSchema<string>>(item: T, what: string) =>
  v.pipe(sized<string[]>(MAX_ITEMS, what), v.array(item));

/** A custom field value as DevRev takes it: a JSON scalar, or an array of them. */
export type CustomFieldScalar = string | number | boolean;
const isScalar = (x: unknown): x is CustomFieldScalar =>
  (typeof x === 'string' && x.length <= MAX_TEXT) || typeof x === 'boolean' || Number.isFinite(x);
const customValue = v.custom<CustomFieldScalar | CustomFieldScalar[]>(
  // Array.from turns holes into undefined, which JSON would send as null: refused.
  (x) =>
    isScalar(x) || (Array.isArray(x) && x.length <= MAX_ITEMS && Array.from(x).every(isScalar)),
  `expected a string, a finite number, a boolean, or an array of at most ${MAX_ITEMS} of them`,
);
const customFields = v.pipe(
  sized<Record<string, CustomFieldScalar | CustomFieldScalar[] | undefined>>(
    MAX_CUSTOM_FIELDS,
    'custom fields',
  ),
  v.record(
    v.pipe(
      v.string(),
      v.maxLength(256),
      v.regex(CUSTOM_KEY, 'custom field keys must start with tnt__, like tnt__plan_tier'),
    ),
    // An undefined value is dropped from the output, as JSON would drop it.
    v.optional(customValue),
  ),
);

const strictMessage = (issue: v.StrictObjectIssue): string =>
  issue.expected === 'never'
    ? `unknown key "${String(issue.input)}"`
    : issue.expected === 'Object'
      ? 'expected an object'
      : 'required';
const strict = <T extends v.ObjectEntries>(entries: T) => v.strictObject(entries, strictMessage);

const userTraits = strict({
  email: v.optional(email),
  display_name: v.optional(text(MAX_NAME)),
  phone_numbers: v.optional(list(phone, 'phone numbers')),
  custom_fields: v.optional(customFields),
  description: v.optional(text(MAX_TEXT)),
  /** @deprecated DevRev prefers `display_name`. */
  full_name: v.optional(text(MAX_NAME)),
});
const accountTraits = strict({
  display_name: v.optional(text(MAX_NAME)),
  domains: v.optional(list(domain, 'domains')),
  phone_numbers: v.optional(list(phone, 'phone numbers')),
  custom_fields: v.optional(customFields),
  description: v.optional(text(MAX_TEXT)),
  tier: v.optional(text(256)),
});
const workspaceTraits = strict({
  display_name: v.optional(text(MAX_NAME)),
  custom_fields: v.optional(customFields),
  description: v.optional(text(MAX_TEXT)),
  phone_numbers: v.optional(list(phone, 'phone numbers')),
  tier: v.optional(text(256)),
  /** @deprecated a bare host name; accounts take `domains`. */
  domain: v.optional(domain),
});

/** The three trait objects, by key: their entries are the known keys. */
export const traits = {
  user_traits: userTraits,
  account_traits: accountTraits,
  workspace_traits: workspaceTraits,
};

/**
 * The rev_info DevRev takes to identify a user: a valibot 1.x strict object schema. Unknown keys
 * are errors, so a typo such as `emial` is reported instead of silently dropped.
 * @example
 * v.parse(revInfoSchema, { user_ref: 'u-42', user_traits: { email: 'ada@example.com' } });
 */
export const revInfoSchema = strict({
  user_ref: ref,
  account_ref: v.optional(ref),
  workspace_ref: v.optional(ref),
  user_traits: v.optional(userTraits),
  account_traits: v.optional(accountTraits),
  workspace_traits: v.optional(workspaceTraits),
});

/** A valid rev_info, as sent upstream. */
export type RevInfo = v.InferOutput<typeof revInfoSchema>;
/** What `resolveUser` may build before validation. */
export type RevInfoInput = v.InferInput<typeof revInfoSchema>;
