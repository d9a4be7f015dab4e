/** An unsigned JWT with these claims: enough for expiry parsing, which checks no signature. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.sig`;
}

/** A JWT as DevRev mints one: `iat` now (by `nowMs`) and `exp` `ttlSeconds` later. */
export function freshJwt(ttlSeconds = 3600, nowMs = Date.now(), extra = {}): string {
  const iat = Math.floor(nowMs / 1000);
  return fakeJwt({ sub: 'u1', iat, exp: iat + ttlSeconds, jti: Math.random(), ...extra });
}
