import { isBareDomain, isCustomFieldKey, isCustomFieldValue, isE164, isEmail } from './formats.js';
import { isPlainObject } from './is-plain-object.js';

/** DevRev's 400 error types that a rev_info can earn. */
export type RevInfoErrorType = 'missing_required_field' | 'invalid_field' | 'bad_request';

/**
 * The first problem found, as DevRev's 400 body: the field named by its dotted path from the
 * body's root, in `field_name` as DevRev puts it for `invalid_field` and
 * `missing_required_field`, and at the start of `message`.
 */
export interface RevInfoProblem {
  type: RevInfoErrorType;
  message: string;
  field_name?: string;
}

type Rule = (value: unknown, path: string) => RevInfoProblem | undefined;

const invalid = (path: string, what: string): RevInfoProblem => ({
  type: 'invalid_field',
  message: `${path} ${what}`,
  field_name: path,
});

const missing = (path: string): RevInfoProblem => ({
  type: 'missing_required_field',
  message: `${path} is required`,
  field_name: path,
});

const string: Rule = (value, path) =>
  typeof value === 'string' ? undefined : invalid(path, 'must be a string');

const nonEmptyString: Rule = (value, path) =>
  typeof value === 'string' && value.length > 0
    ? undefined
    : invalid(path, 'must be a non-empty string');

const formatted =
  (test: (value: string) => boolean, what: string): Rule =>
  (value, path) =>
    typeof value === 'string' && test(value) ? undefined : invalid(path, `must be ${what}`);

const email = formatted(isEmail, 'an email address');
const phone = formatted(isE164, 'an E.164 phone number such as +911122334455');
const domain = formatted(isBareDomain, 'a bare domain name such as devrev.ai');

const arrayOf =
  (item: Rule): Rule =>
  (value, path) => {
    if (!Array.isArray(value)) return invalid(path, 'must be an array');
    for (const [index, element] of value.entries()) {
      const problem = item(element, `${path}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  };

const customFields: Rule = (value, path) => {
  if (!isPlainObject(value)) return invalid(path, 'must be an object');
  for (const [key, field] of Object.entries(value)) {
    if (!isCustomFieldKey(key)) {
      return invalid(`${path}.${key}`, 'is not a custom field: keys must start with tnt__');
    }
    if (!isCustomFieldValue(field)) {
      return invalid(`${path}.${key}`, 'must be a string, number, boolean or an array of them');
    }
  }
  return undefined;
};

const object =
  (shape: Record<string, Rule>, required: readonly string[] = []): Rule =>
  (value, path) => {
    if (!isPlainObject(value)) return invalid(path, 'must be an object');
    for (const key of required) {
      if (!(key in value)) return missing(`${path}.${key}`);
    }
    for (const [key, field] of Object.entries(value)) {
      const rule = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (!rule) return { type: 'bad_request', message: `${path}.${key} is not a known field` };
      const problem = rule(field, `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };

// The fields of DevRev's docs plus those its OpenAPI adds (description, tier, full_name, …).
const revInfo = object(
  {
    user_ref: nonEmptyString,
    account_ref: string,
    workspace_ref: string,
    user_traits: object({
      email,
      display_name: string,
      phone_numbers: arrayOf(phone),
      custom_fields: customFields,
      description: string,
      full_name: string,
    }),
    account_traits: object({
      display_name: string,
      domains: arrayOf(domain),
      phone_numbers: arrayOf(phone),
      custom_fields: customFields,
      description: string,
      tier: string,
    }),
    workspace_traits: object({
      display_name: string,
      custom_fields: customFields,
      description: string,
      phone_numbers: arrayOf(phone),
      tier: string,
      domain,
    }),
  },
  ['user_ref'],
);

/**
 * Checks a parsed request body the way DevRev does: `rev_info` is required and every
 * field in it known and well-formed. Other top-level keys are left alone, as DevRev's
 * endpoint takes more (`aud`, `expires_in`, …) than the library sends.
 */
export function checkRevInfoBody(body: unknown): RevInfoProblem | undefined {
  if (!isPlainObject(body))
    return { type: 'bad_request', message: 'the body must be a JSON object' };
  if (!('rev_info' in body)) return missing('rev_info');
  return revInfo(body.rev_info, 'rev_info');
}
