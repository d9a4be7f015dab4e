import { describe, expect, it } from 'vitest';
import { computeExpiry, jwtTimes } from '../src/upstream/expiry.js';
import { fakeJwt } from './support/fake-jwt.js';

const receivedAt = Date.UTC(2030, 0, 1, 12, 0, 0);
const sec = Math.floor(receivedAt / 1000);

describe('computeExpiry', () => {
  it('takes the expiry from the JWT exp claim when there is no iat', () => {
    const times = computeExpiry({ accessToken: fakeJwt({ exp: sec + 600 }), receivedAt });
    expect(times.expiresAt).toBe((sec + 600) * 1000);
  });

  it('prefers the JWT exp over expires_in', () => {
    const accessToken = fakeJwt({ exp: sec + 600 });
    const times = computeExpiry({ accessToken, expiresIn: 60, receivedAt });
    expect(times.expiresAt).toBe((sec + 600) * 1000);
  });

  it('anchors exp − iat at the receipt time when the server clock runs ahead', () => {
    // The server believes it is two hours later than we do.
    const iat = sec + 7200;
    const times = computeExpiry({ accessToken: fakeJwt({ iat, exp: iat + 3600 }), receivedAt });
    expect(times.expiresAt).toBe(receivedAt + 3_600_000);
    expect(times.usableUntil).toBeGreaterThan(receivedAt);
  });

  it('anchors exp − iat at the receipt time when the server clock runs behind', () => {
    // Taken at face value this token would already be expired here.
    const iat = sec - 7200;
    const times = computeExpiry({ accessToken: fakeJwt({ iat, exp: iat + 3600 }), receivedAt });
    expect(times.expiresAt).toBe(receivedAt + 3_600_000);
  });

  it('reads an expires_in above 10^9 as an epoch time in seconds', () => {
    const times = computeExpiry({ accessToken: 'opaque', expiresIn: sec + 900, receivedAt });
    expect(times.expiresAt).toBe((sec + 900) * 1000);
  });

  it('reads a small expires_in as seconds from the receipt time', () => {
    const times = computeExpiry({ accessToken: 'opaque', expiresIn: 900, receivedAt });
    expect(times.expiresAt).toBe(receivedAt + 900_000);
  });

  it('falls back to the default lifetime without exp or expires_in', () => {
    expect(computeExpiry({ accessToken: 'opaque', receivedAt }).expiresAt).toBe(
      receivedAt + 15 * 60_000,
    );
    const custom = computeExpiry({ accessToken: 'opaque', receivedAt, defaultTtlMs: 5000 });
    expect(custom.expiresAt).toBe(receivedAt + 5000);
  });

  it('ignores a malformed JWT payload and nonsense expires_in values', () => {
    for (const accessToken of [
      'a.b.c',
      'a.%%%.c',
      `a.${Buffer.from('[1]').toString('base64url')}.c`,
    ]) {
      for (const expiresIn of [undefined, -5, 0, Number.NaN, 'soon', null, {}]) {
        const times = computeExpiry({ accessToken, expiresIn, receivedAt });
        expect(times.expiresAt).toBe(receivedAt + 15 * 60_000);
      }
    }
  });

  it('keeps back the last 30 seconds of a long lifetime', () => {
    const times = computeExpiry({ accessToken: 'x', expiresIn: 3600, receivedAt });
    expect(times.expiresAt - times.usableUntil).toBe(30_000);
  });

  it('keeps back the last tenth of a short lifetime', () => {
    const times = computeExpiry({ accessToken: 'x', expiresIn: 100, receivedAt });
    expect(times.expiresAt - times.usableUntil).toBe(10_000);
  });

  it('refreshes at three quarters of the lifetime, never after 80 % or usableUntil', () => {
    for (const lifetime of [1, 10, 100, 299, 300, 301, 3600, 86_400]) {
      const t = computeExpiry({ accessToken: 'x', expiresIn: lifetime, receivedAt });
      expect(t.refreshAt).toBe(receivedAt + 0.75 * lifetime * 1000);
      expect(t.refreshAt).toBeLessThanOrEqual(receivedAt + 0.8 * lifetime * 1000);
      expect(t.refreshAt).toBeLessThanOrEqual(t.usableUntil);
      expect(t.usableUntil).toBeLessThan(t.expiresAt);
    }
  });

  it('treats a token whose exp has already passed as expired, never usable', () => {
    const times = computeExpiry({ accessToken: fakeJwt({ exp: sec - 10 }), receivedAt });
    expect(times.usableUntil).toBeLessThanOrEqual(receivedAt);
    expect(times.refreshAt).toBe(times.usableUntil);
  });

  it('ignores an iat that is not before exp', () => {
    const times = computeExpiry({
      accessToken: fakeJwt({ iat: sec + 100, exp: sec + 50 }),
      receivedAt,
    });
    expect(times.expiresAt).toBe((sec + 50) * 1000);
  });

  it('keeps the token it was given', () => {
    expect(computeExpiry({ accessToken: 'tok', receivedAt }).token).toBe('tok');
  });
});

describe('jwtTimes', () => {
  it('reads numeric exp and iat and drops anything else', () => {
    expect(jwtTimes(fakeJwt({ exp: 20, iat: 10 }))).toEqual({ exp: 20, iat: 10 });
    expect(jwtTimes(fakeJwt({ exp: '20', iat: null }))).toEqual({});
    expect(jwtTimes('not-a-jwt')).toEqual({});
  });
});
