import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../src/diagnostics.js';
import { AAT, type Harness, rejection, startHarness } from './support/provider-harness.js';

let h: Harness;
const messages: { channel: string; message: Record<string, unknown> }[] = [];
const listeners = Object.values(CHANNELS).map((channel) => {
  const listener = (message: unknown) =>
    messages.push({ channel, message: message as Record<string, unknown> });
  return [channel, listener] as const;
});
const on = () => {
  for (const [channel, listener] of listeners) subscribe(channel, listener);
};
afterEach(async () => {
  for (const [channel, listener] of listeners) unsubscribe(channel, listener);
  messages.length = 0;
  await h?.close();
});
const of = (channel: string) => messages.filter((m) => m.channel === channel).map((m) => m.message);

describe('diagnostics', () => {
  it('publish each upstream attempt with its outcome, status and duration', async () => {
    on();
    h = await startHarness();
    h.emu.enqueue({ type: 'status', status: 503 });
    await h.provider.getToken({ user_ref: 'u1' });
    const attempts = of(CHANNELS.upstream);
    expect(attempts).toMatchObject([
      { attempt: 1, outcome: 'retry', status: 503, code: 'UPSTREAM_UNAVAILABLE' },
      { attempt: 2, outcome: 'success', status: 201 },
    ]);
    for (const a of attempts) expect(a.durationMs).toBeTypeOf('number');
  });

  it('publish cache misses, coalesced lookups, hits and refreshes', async () => {
    on();
    h = await startHarness();
    h.emu.setLatency(30);
    const [token] = await Promise.all([1, 2].map(() => h.provider.getToken({ user_ref: 'u1' })));
    await h.provider.getToken({ user_ref: 'u1' });
    h.clock.now = token?.refreshAt ?? 0;
    await h.provider.getToken({ user_ref: 'u1' });
    await vi.waitFor(() => expect(h.emu.callCount).toBe(2));
    const events = of(CHANNELS.cache).map((m) => m.event);
    expect(events.slice(0, 4)).toEqual(['miss', 'miss', 'coalesced', 'hit']);
    expect(events).toContain('refresh');
  });

  it('publish the breaker’s state changes', async () => {
    on();
    h = await startHarness();
    h.emu.setFault({ type: 'no-token' });
    for (let i = 0; i < 5; i++) await rejection(h.provider.getToken({ user_ref: `u${i}` }));
    expect(of(CHANNELS.breaker)).toMatchObject([{ state: 'open', until: expect.any(Number) }]);
  });

  it('never carry a token or the AAT', async () => {
    on();
    h = await startHarness();
    const { token } = await h.provider.getToken({ user_ref: 'u1' });
    const text = JSON.stringify(messages);
    expect(text).not.toContain(AAT);
    expect(text).not.toContain(token);
    expect(text).not.toContain('u1');
  });
});
