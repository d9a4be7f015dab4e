import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isPlainObject } from './is-plain-object.js';
import type { EmulatorTokenClaims, TokenVerification } from './types.js';

/** Signs and checks HS256 JWTs (RFC 7519) with one secret; nothing else. */
export interface JwtSigner {
  sign(claims: Record<string, unknown>): string;
  verify(token: string, nowSeconds: number): TokenVerification;
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const SEGMENT = /^[A-Za-z0-9_-]+$/;

function base64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

/**
 * A signer with a fresh random secret: tokens from one emulator process are rejected by
 * any other, as a real DevRev token would be by an impostor.
 */
export function createJwtSigner(secret: Buffer = randomBytes(32)): JwtSigner {
  const mac = (input: string) => createHmac('sha256', secret).update(input).digest();

  return {
    sign(claims) {
      const body = `${HEADER}.${base64url(JSON.stringify(claims))}`;
      return `${body}.${mac(body).toString('base64url')}`;
    },
    verify(token, nowSeconds) {
      const parts = token.split('.');
      const [header, payload, signature] = parts;
      if (parts.length !== 3 || !header || !payload || !signature) {
        return { valid: false, reason: 'malformed' };
      }
      if (!SEGMENT.test(header) || !SEGMENT.test(payload) || !SEGMENT.test(signature)) {
        return { valid: false, reason: 'malformed' };
      }
      const decodedHeader = parseSegment(header);
      if (!decodedHeader) return { valid: false, reason: 'malformed' };
      // Only HS256: accepting the header's `alg` blindly is the classic "alg: none" hole.
      if (decodedHeader.alg !== 'HS256') return { valid: false, reason: 'unsupported_algorithm' };
      const expected = mac(`${header}.${payload}`);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { valid: false, reason: 'bad_signature' };
      }
      const claims = parseSegment(payload);
      if (!claims || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
        return { valid: false, reason: 'malformed' };
      }
      if (claims.exp <= nowSeconds) return { valid: false, reason: 'expired' };
      return { valid: true, claims: claims as unknown as EmulatorTokenClaims };
    },
  };
}

function parseSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
