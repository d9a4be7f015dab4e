import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { mint } from './helpers.js';
import { account, user, workspace } from './rev-info-builders.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

type Case = [name: string, revInfo: Record<string, unknown>];

describe('rev_info rules: accepted', () => {
  const accepted: Case[] = [
    ['only a user_ref', { user_ref: 'alice' }],
    ['all three refs', { user_ref: 'a', account_ref: 'acme', workspace_ref: 'acme-eu' }],
    ['an E.164 phone', user({ phone_numbers: ['+911122334455', '+1'] })],
    ['a 15-digit phone', user({ phone_numbers: ['+123456789012345'] })],
    ['an email', user({ email: 'alice.example+plug@mail.example.co.uk' })],
    ['every user trait', user({ display_name: 'A', description: 'd', full_name: 'A E' })],
    [
      'bare domains',
      account({ domains: ['devrev.ai', 'eu.app.example-1.com', 'xn--bcher-kva.de'] }),
    ],
    ['every account trait', account({ display_name: 'Acme', description: 'd', tier: 'gold' })],
    ['account phone numbers', account({ phone_numbers: ['+442071234567'] })],
    ['a workspace domain', workspace({ domain: 'acme.io', tier: 't', description: 'd' })],
    [
      'workspace phones and name',
      workspace({ phone_numbers: ['+33123456789'], display_name: 'W' }),
    ],
    [
      'custom fields of every allowed kind',
      user({
        custom_fields: {
          tnt__plan: 'pro',
          tnt__seats: 5,
          tnt__beta: true,
          tnt__tags: ['a', 1, false],
        },
      }),
    ],
    ['account custom fields', account({ custom_fields: { tnt__region: 'eu' } })],
    ['workspace custom fields', workspace({ custom_fields: {} })],
  ];
  it.each(accepted)('accepts %s', async (_name, revInfo) => {
    const answer = await mint(emu, revInfo);
    expect(answer.json).toMatchObject({ token_type: 'bearer' });
    expect(answer.status).toBe(201);
  });

  it('leaves other top-level keys of the body alone', async () => {
    const body = JSON.stringify({ rev_info: { user_ref: 'a' }, aud: ['x'], expires_in: 60 });
    expect((await mint(emu, undefined, { body })).status).toBe(201);
  });
});
