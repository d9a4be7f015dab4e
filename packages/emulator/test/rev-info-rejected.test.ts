import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { mint } from './helpers.js';
import { account, user, workspace } from './rev-info-builders.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

type Rejection = [name: string, revInfo: unknown, type: string, path: string];

describe('rev_info rules: rejected with 400, the field named by its path', () => {
  const rejected: Rejection[] = [
    ['a missing user_ref', { account_ref: 'acme' }, 'missing_required_field', 'rev_info.user_ref'],
    ['an empty user_ref', { user_ref: '' }, 'invalid_field', 'rev_info.user_ref'],
    ['a numeric user_ref', { user_ref: 42 }, 'invalid_field', 'rev_info.user_ref'],
    [
      'a non-string account_ref',
      { user_ref: 'a', account_ref: 7 },
      'invalid_field',
      'rev_info.account_ref',
    ],
    [
      'a null workspace_ref',
      { user_ref: 'a', workspace_ref: null },
      'invalid_field',
      'rev_info.workspace_ref',
    ],
    ['a rev_info that is a string', 'alice', 'invalid_field', 'rev_info'],
    ['a rev_info that is an array', [{ user_ref: 'a' }], 'invalid_field', 'rev_info'],
    ['a null rev_info', null, 'invalid_field', 'rev_info'],
    [
      'an unknown rev_info key',
      { user_ref: 'a', user_trait: {} },
      'bad_request',
      'rev_info.user_trait',
    ],
    [
      'a typo in a trait (emial)',
      user({ emial: 'a@b.co' }),
      'bad_request',
      'rev_info.user_traits.emial',
    ],
    [
      'user_traits that are not an object',
      { user_ref: 'a', user_traits: [] },
      'invalid_field',
      'rev_info.user_traits',
    ],
    [
      'an email without a domain',
      user({ email: 'alice' }),
      'invalid_field',
      'rev_info.user_traits.email',
    ],
    [
      'an email with a space',
      user({ email: 'alice @example.com' }),
      'invalid_field',
      'rev_info.user_traits.email',
    ],
    [
      'a phone without +',
      user({ phone_numbers: ['911122334455'] }),
      'invalid_field',
      'rev_info.user_traits.phone_numbers[0]',
    ],
    [
      'a phone with spaces',
      user({ phone_numbers: ['+1', '+1 415 555 0100'] }),
      'invalid_field',
      'rev_info.user_traits.phone_numbers[1]',
    ],
    [
      'a phone of 16 digits',
      user({ phone_numbers: ['+1234567890123456'] }),
      'invalid_field',
      'rev_info.user_traits.phone_numbers[0]',
    ],
    [
      'a phone starting +0',
      user({ phone_numbers: ['+0123'] }),
      'invalid_field',
      'rev_info.user_traits.phone_numbers[0]',
    ],
    [
      'phone_numbers as a string',
      user({ phone_numbers: '+1415' }),
      'invalid_field',
      'rev_info.user_traits.phone_numbers',
    ],
    [
      'a domain with a scheme',
      account({ domains: ['https://devrev.ai'] }),
      'invalid_field',
      'rev_info.account_traits.domains[0]',
    ],
    [
      'a www. domain',
      account({ domains: ['devrev.ai', 'www.devrev.ai'] }),
      'invalid_field',
      'rev_info.account_traits.domains[1]',
    ],
    [
      'a domain with a path',
      account({ domains: ['devrev.ai/x'] }),
      'invalid_field',
      'rev_info.account_traits.domains[0]',
    ],
    [
      'a domain with a port',
      account({ domains: ['devrev.ai:443'] }),
      'invalid_field',
      'rev_info.account_traits.domains[0]',
    ],
    [
      'a single-label domain',
      account({ domains: ['localhost'] }),
      'invalid_field',
      'rev_info.account_traits.domains[0]',
    ],
    [
      'a domain label with a leading hyphen',
      account({ domains: ['-x.io'] }),
      'invalid_field',
      'rev_info.account_traits.domains[0]',
    ],
    [
      'an IP address as domain',
      account({ domains: ['10.0.0.1'] }),
      'invalid_field',
      'rev_info.account_traits.domains[0]',
    ],
    [
      'a bad workspace domain',
      workspace({ domain: 'https://acme.io' }),
      'invalid_field',
      'rev_info.workspace_traits.domain',
    ],
    [
      'a bad workspace phone',
      workspace({ phone_numbers: ['12'] }),
      'invalid_field',
      'rev_info.workspace_traits.phone_numbers[0]',
    ],
    [
      'a bad account phone',
      account({ phone_numbers: ['+'] }),
      'invalid_field',
      'rev_info.account_traits.phone_numbers[0]',
    ],
    [
      'a custom field without tnt__',
      user({ custom_fields: { plan: 'pro' } }),
      'invalid_field',
      'rev_info.user_traits.custom_fields.plan',
    ],
    [
      'a bare tnt__ key',
      account({ custom_fields: { tnt__: 1 } }),
      'invalid_field',
      'rev_info.account_traits.custom_fields.tnt__',
    ],
    [
      'an object custom value',
      user({ custom_fields: { tnt__plan: { tier: 1 } } }),
      'invalid_field',
      'rev_info.user_traits.custom_fields.tnt__plan',
    ],
    [
      'a null custom value',
      workspace({ custom_fields: { tnt__x: null } }),
      'invalid_field',
      'rev_info.workspace_traits.custom_fields.tnt__x',
    ],
    [
      'a nested array custom value',
      user({ custom_fields: { tnt__x: [[1]] } }),
      'invalid_field',
      'rev_info.user_traits.custom_fields.tnt__x',
    ],
    [
      'an unknown account trait',
      account({ domain: 'acme.io' }),
      'bad_request',
      'rev_info.account_traits.domain',
    ],
    [
      'an unknown workspace trait',
      workspace({ domains: ['acme.io'] }),
      'bad_request',
      'rev_info.workspace_traits.domains',
    ],
    [
      'a numeric display_name',
      user({ display_name: 5 }),
      'invalid_field',
      'rev_info.user_traits.display_name',
    ],
  ];
  it.each(rejected)('rejects %s', async (_name, revInfo, type, path) => {
    const answer = await mint(emu, revInfo);
    expect(answer.status).toBe(400);
    expect(answer.json?.type).toBe(type);
    const message = answer.json?.message as string;
    expect(message.startsWith(`${path} `)).toBe(true);
  });

  it.each(rejected.filter(([, , type]) => type !== 'bad_request'))(
    'names the field in field_name, as DevRev does, for %s',
    async (_name, revInfo, _type, path) => {
      const answer = await mint(emu, revInfo);
      expect(answer.json?.field_name).toBe(path);
    },
  );

  it('answers missing_required_field when the body has no rev_info', async () => {
    const answer = await mint(emu, undefined, { body: '{"user_ref":"alice"}' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ type: 'missing_required_field', field_name: 'rev_info' });
    expect(answer.json?.message).toMatch(/^rev_info /);
  });

  it('answers bad_request when the body is JSON but not an object', async () => {
    for (const body of ['[]', '"rev_info"', 'null', '42']) {
      const answer = await mint(emu, undefined, { body });
      expect(answer.status).toBe(400);
      expect(answer.json?.type).toBe('bad_request');
    }
  });
});
