// The sample users of the three example apps. A real app looks its user up in its own
// database; what matters here is the rev_info built from it, which is what DevRev sees.

/**
 * @typedef {object} SampleUser
 * @property {string} id the key kept in the session cookie
 * @property {string} name
 * @property {string} kind what DevRev structure the user shows
 * @property {string} summary what DevRev does with this rev_info
 * @property {boolean} valid whether plug-session will accept the rev_info
 * @property {Record<string, unknown>} revInfo what `resolveUser` returns for this user
 */

/** @type {readonly SampleUser[]} */
export const SAMPLE_USERS = Object.freeze([
  {
    id: 'alice',
    name: 'Alice Martin',
    kind: 'Consumer',
    summary: 'Only a user_ref and user traits: DevRev finds or creates a contact, with no account.',
    valid: true,
    revInfo: {
      user_ref: 'alice',
      user_traits: {
        email: 'alice@example.com',
        display_name: 'Alice Martin',
        phone_numbers: ['+14155550101'],
      },
    },
  },
  {
    id: 'bob',
    name: 'Bob Okafor',
    kind: 'B2B user',
    summary:
      'A user_ref and an account_ref: DevRev finds or creates the account Acme and links Bob to it.',
    valid: true,
    revInfo: {
      user_ref: 'bob',
      account_ref: 'acme',
      user_traits: { email: 'bob@acme.example', display_name: 'Bob Okafor' },
      account_traits: { display_name: 'Acme Corp', domains: ['acme.example'] },
    },
  },
  {
    id: 'chen',
    name: 'Chen Wei',
    kind: 'Account + workspace',
    summary: 'All three refs: the account Globex, its workspace Research, and Chen linked to both.',
    valid: true,
    revInfo: {
      user_ref: 'chen',
      account_ref: 'globex',
      workspace_ref: 'globex-research',
      user_traits: { email: 'chen@globex.example', display_name: 'Chen Wei' },
      account_traits: { display_name: 'Globex', domains: ['globex.example'] },
      workspace_traits: { display_name: 'Globex Research' },
    },
  },
  {
    id: 'dana',
    name: 'Dana Invalid',
    kind: 'Invalid traits',
    summary:
      'A phone number that is not E.164 and an unknown trait: plug-session refuses the rev_info before calling DevRev, logs why, and the page gets no widget.',
    valid: false,
    revInfo: {
      user_ref: 'dana',
      user_traits: { display_name: 'Dana Invalid', phone_numbers: ['0123'], nickname: 'dd' },
    },
  },
]);

/**
 * The sample user with this id, or `undefined`.
 * @param {unknown} id
 * @returns {SampleUser | undefined}
 */
export function findUser(id) {
  return SAMPLE_USERS.find((user) => user.id === id);
}

/**
 * What `resolveUser` returns for the user in the session: a fresh copy of their rev_info,
 * or `null` for an anonymous visitor.
 * @param {unknown} id
 */
export function revInfoFor(id) {
  const user = findUser(id);
  return user ? structuredClone(user.revInfo) : null;
}
