/**
 * The value formats DevRev rejects with 400 when wrong (see devrev-contract.md). Written
 * independently of core's schema on purpose: the emulator is the second opinion.
 */

/** E.164: `+`, then 1 to 15 digits, the first not zero (ITU-T E.164 §6). */
export function isE164(value: string): boolean {
  return /^\+[1-9][0-9]{0,14}$/.test(value);
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * A bare host name such as `devrev.ai`: no scheme, path, port or trailing dot, not
 * `www.`-prefixed (DevRev's docs give `www.devrev.ai` as invalid), at least two labels of
 * RFC 1123 letters, digits and inner hyphens, and a top-level label that is not numeric
 * (so an IPv4 address is not a domain).
 */
export function isBareDomain(value: string): boolean {
  if (value.length > 253 || /^www\./i.test(value)) return false;
  const labels = value.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

/**
 * A plausible email address: one `@`, no spaces, a dotted domain. Deliberately loose
 * (RFC 5321's full grammar is not what DevRev checks either), but it catches the usual
 * mistakes: a name instead of an address, a missing domain.
 */
export function isEmail(value: string): boolean {
  if (value.length > 254) return false;
  const match = /^([^\s@]+)@([^\s@]+)$/.exec(value);
  if (!match) return false;
  const domain = match[2] ?? '';
  return domain.includes('.') && !domain.startsWith('.') && !domain.endsWith('.');
}

/** A custom field key: DevRev requires the tenant prefix `tnt__` and a name after it. */
export function isCustomFieldKey(key: string): boolean {
  return key.startsWith('tnt__') && key.length > 'tnt__'.length;
}

/** A custom field value: a JSON scalar (string, number, boolean) or an array of them. */
export function isCustomFieldValue(value: unknown): boolean {
  const scalar = (item: unknown) =>
    typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean';
  return scalar(value) || (Array.isArray(value) && value.every(scalar));
}
