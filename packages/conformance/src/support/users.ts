import type { PlugSessionOptions, RevInfo } from '@plug-session/core';

/**
 * A rev_info as the tests write it. Plain objects rather than core's `RevInfo`: some are
 * invalid on purpose, and the suite must not lean on core's types to describe the contract.
 */
type Plain = Record<string, unknown>;

/** Valid rev_infos, chosen per request by the `x-user` header. */
export const VALID_USERS = {
  alice: {
    user_ref: 'alice',
    user_traits: { email: 'alice@example.com', display_name: 'Alice Ångström' },
  },
  /** The same user as `alice` with a changed trait. */
  'alice-renamed': {
    user_ref: 'alice',
    user_traits: { email: 'alice@example.com', display_name: 'Alice A.' },
  },
  bob: { user_ref: 'bob' },
  /** Every field of the contract, so that nothing is lost or changed on the way to DevRev. */
  carol: {
    user_ref: 'carol-42',
    account_ref: 'acme',
    workspace_ref: 'acme-eu',
    user_traits: {
      email: 'carol@acme.com',
      display_name: 'Carol 日本',
      phone_numbers: ['+911122334455'],
      custom_fields: { tnt__plan: 'pro', tnt__seats: 12, tnt__beta: true, tnt__tags: ['a', 'b'] },
    },
    account_traits: {
      display_name: 'Acme',
      domains: ['acme.com'],
      custom_fields: { tnt__tier: 1 },
    },
    workspace_traits: { display_name: 'Acme EU' },
  },
  /** Keys whose value is `undefined` must be dropped, at every depth. */
  dave: {
    user_ref: 'dave',
    account_ref: undefined,
    user_traits: { email: 'dave@example.com', display_name: undefined },
  },
} satisfies Record<string, Plain>;

/** What `dave` must look like upstream. */
export const DAVE_UPSTREAM = { user_ref: 'dave', user_traits: { email: 'dave@example.com' } };

/** Invalid rev_infos, each with the dotted path its issue must carry. */
export const INVALID_USERS: ReadonlyArray<{ key: string; what: string; path: string }> = [
  {
    key: 'bad-phone',
    what: 'a phone number that is not E.164',
    path: 'user_traits.phone_numbers.0',
  },
  { key: 'unknown-key', what: 'an unknown key', path: 'nickname' },
  {
    key: 'bad-field',
    what: 'a custom field without tnt__',
    path: 'user_traits.custom_fields.plan',
  },
  { key: 'bad-domain', what: 'a domain with a scheme', path: 'account_traits.domains.0' },
  { key: 'bad-email', what: 'an email that is not one', path: 'user_traits.email' },
  { key: 'empty-ref', what: 'an empty user_ref', path: 'user_ref' },
];

const INVALID_TABLE: Record<string, Plain> = {
  'bad-phone': { user_ref: 'eve', user_traits: { phone_numbers: ['12345'] } },
  'unknown-key': { user_ref: 'frank', nickname: 'frankie' },
  'bad-field': { user_ref: 'grace', user_traits: { custom_fields: { plan: 'pro' } } },
  'bad-domain': {
    user_ref: 'heidi',
    account_ref: 'h',
    account_traits: { domains: ['https://heidi.example'] },
  },
  'bad-email': { user_ref: 'ivan', user_traits: { email: 'not-an-email' } },
  'empty-ref': { user_ref: '' },
};

export const USERS: Readonly<Record<string, Plain>> = { ...VALID_USERS, ...INVALID_TABLE };

/** `x-user` values for which resolveUser throws, or returns a rejected promise. */
export const THROWS = 'throws';
export const REJECTS = 'rejects';

/**
 * The resolver of every test app: the `x-user` header picks the user; `u-<n>` is a plain
 * generated user; no header (or an unknown one) is an anonymous visitor.
 */
export function resolverFor(
  header: (req: unknown) => string | undefined,
  seen: Array<string | undefined>,
): PlugSessionOptions<unknown>['resolveUser'] {
  return (req) => {
    const key = header(req);
    seen.push(key);
    if (key === THROWS) throw new Error('the session store is down');
    if (key === REJECTS) return Promise.reject(new Error('the session store timed out'));
    if (key !== undefined && /^u-\d+$/.test(key)) return { user_ref: key } as RevInfo;
    const user = USERS[key ?? ''];
    return user === undefined ? null : (user as unknown as RevInfo);
  };
}

/** The claims of a JWT, decoded without checking it. */
export function claimsOf(token: string): { sub?: unknown; exp?: unknown } {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    sub?: unknown;
    exp?: unknown;
  };
}
