import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlugSession, type PlugSessionError } from '@plug-session/core';
import { startEmulator } from '@plug-session/emulator';
import { describe, expect, it } from 'vitest';
import { AAT, maxAttemptsWithin, TIMEOUT_MS } from './support/setup.js';

/** One identified request through the engine; what it cost upstream. */
async function oneMiss(endpoint: string, calls: () => number) {
  const errors: PlugSessionError[] = [];
  const engine = createPlugSession({
    appAccessToken: AAT,
    endpoint,
    timeoutMs: TIMEOUT_MS,
    resolveUser: () => ({ user_ref: 'storm' }),
    onError: (error) => void errors.push(error),
  });
  try {
    const resolution = await engine.resolve({});
    return { resolution, calls: calls(), errors };
  } finally {
    await engine.close();
  }
}

// Found by the 429 fault scenario: a 429 that keeps saying "retry now" was retried in a tight
// loop for the whole budget (71 calls for one page view on an idle machine).
describe('a 429 that asks for no wait at all', () => {
  it('is retried no more often than a 5xx within the budget (Retry-After: 0)', async () => {
    const emu = await startEmulator({ appAccessToken: AAT });
    try {
      emu.setFault({ type: 'status', status: 429, retryAfterSeconds: 0 });
      const { resolution, calls, errors } = await oneMiss(emu.endpoint, () => emu.callCount);
      expect(resolution.kind).toBe('failed');
      expect(errors.map((e) => e.code)).toEqual(['RATE_LIMITED']);
      expect(calls).toBeGreaterThanOrEqual(2);
      expect(calls).toBeLessThanOrEqual(maxAttemptsWithin(TIMEOUT_MS));
    } finally {
      await emu.close();
    }
  });

  it('is retried no more often than a 5xx within the budget (Retry-After: a past date)', async () => {
    let calls = 0;
    const server = createServer((req, res) => {
      calls += 1;
      req.resume();
      const past = new Date(Date.now() - 60_000).toUTCString();
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': past });
      res.end('{"type":"too_many_requests"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const endpoint = `http://127.0.0.1:${port}/internal/auth-tokens.create`;
      const result = await oneMiss(endpoint, () => calls);
      expect(result.errors.map((e) => e.code)).toEqual(['RATE_LIMITED']);
      expect(result.calls).toBeLessThanOrEqual(maxAttemptsWithin(TIMEOUT_MS));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
