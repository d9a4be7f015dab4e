import { describe, expect, it, vi } from 'vitest';
import { redisStore } from '../src/index.js';
import { sendCommandOf } from '../src/send-command.js';

describe('recognising the client by its shape', () => {
  it('calls ioredis through call(command, ...args)', async () => {
    const call = vi.fn(async () => 'OK');
    const send = sendCommandOf({ call, status: 'ready' });
    await send?.(['SET', 'k', 'v', 'PX', '10'], 'k');
    expect(call).toHaveBeenCalledWith('SET', 'k', 'v', 'PX', '10');
  });

  it('calls node-redis through sendCommand(args)', async () => {
    const sendCommand = vi.fn(async () => 'OK');
    await sendCommandOf({ sendCommand, isReady: true })?.(['GET', 'k'], 'k');
    expect(sendCommand).toHaveBeenCalledWith(['GET', 'k']);
  });

  it('routes a node-redis cluster by the key, reading from masters', async () => {
    const sendCommand = vi.fn(async () => 1);
    const send = sendCommandOf({ sendCommand, masters: [] });
    await send?.(['EVAL', 'script', '1', 'lock:k', 'me'], 'lock:k');
    expect(sendCommand).toHaveBeenCalledWith('lock:k', false, [
      'EVAL',
      'script',
      '1',
      'lock:k',
      'me',
    ]);
  });

  it('prefers call when a client has both (ioredis also has a sendCommand of its own)', async () => {
    const call = vi.fn(async () => null);
    const sendCommand = vi.fn();
    await sendCommandOf({ call, sendCommand })?.(['GET', 'k'], 'k');
    expect(call).toHaveBeenCalled();
    expect(sendCommand).not.toHaveBeenCalled();
  });

  it('recognises nothing else', () => {
    for (const thing of [null, undefined, 'redis://x', {}, { get: () => 1 }]) {
      expect(sendCommandOf(thing)).toBeUndefined();
    }
  });
});

describe('a client that knows Redis is down', () => {
  it('rejects at once for a reconnecting node-redis client, without queueing the command', async () => {
    const sendCommand = vi.fn(() => new Promise(() => undefined));
    const send = sendCommandOf({ sendCommand, isReady: false });
    await expect(send?.(['GET', 'k'], 'k')).rejects.toThrow(/not connected/);
    expect(sendCommand).not.toHaveBeenCalled();
  });

  it.each(['reconnecting', 'close', 'end'])('rejects at once for ioredis in %s', async (status) => {
    const call = vi.fn(() => new Promise(() => undefined));
    await expect(sendCommandOf({ call, status })?.(['GET', 'k'], 'k')).rejects.toThrow(status);
    expect(call).not.toHaveBeenCalled();
  });

  it.each(['wait', 'connecting', 'ready'])(
    'sends for ioredis in %s (a command connects)',
    async (status) => {
      const call = vi.fn(async () => null);
      await sendCommandOf({ call, status })?.(['GET', 'k'], 'k');
      expect(call).toHaveBeenCalled();
    },
  );
});

describe('redisStore options', () => {
  const sendCommand = async () => null;

  it('needs a client or a sendCommand, and says so', () => {
    expect(() => redisStore({})).toThrow(/client.*sendCommand/);
    expect(() => redisStore(undefined as never)).toThrow(/client.*sendCommand/);
  });

  it('refuses both at once', () => {
    expect(() => redisStore({ client: { call: sendCommand }, sendCommand })).toThrow(/not both/);
  });

  it('refuses a client it cannot drive, suggesting sendCommand', () => {
    expect(() => redisStore({ client: {} as never })).toThrow(/pass sendCommand instead/);
    expect(() => redisStore({ sendCommand: 'GET' as never })).toThrow(
      /sendCommand must be a function/,
    );
  });

  it('checks lockMs and prefix', () => {
    for (const lockMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => redisStore({ sendCommand, lockMs })).toThrow(/lockMs/);
    }
    expect(() => redisStore({ sendCommand, prefix: 1 as never })).toThrow(/prefix/);
  });

  it('accepts a one-argument sendCommand, as rate-limit-redis users write it', async () => {
    const seen: string[][] = [];
    const store = redisStore({
      sendCommand: async (args: string[]) => {
        seen.push(args);
        return 'OK';
      },
    });
    expect(await store.lock('k', 500)).toBe(true);
    expect(seen[0]?.slice(0, 1).concat(seen[0].slice(3))).toEqual(['SET', 'NX', 'PX', '500']);
  });

  it('reads a reply given as bytes (a client with a Buffer type mapping)', async () => {
    const t = Date.now() + 60_000;
    const json = JSON.stringify({ token: 'eyJ', expiresAt: t, usableUntil: t, refreshAt: t });
    const store = redisStore({ sendCommand: async () => Buffer.from(json) });
    expect(await store.get('k')).toEqual({
      token: 'eyJ',
      expiresAt: t,
      usableUntil: t,
      refreshAt: t,
    });
  });
});
