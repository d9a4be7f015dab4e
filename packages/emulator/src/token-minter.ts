import { randomUUID } from 'node:crypto';
import type { JwtSigner } from './jwt.js';
import type { EmulatorTokenClaims } from './types.js';

/** DevRev's success body for `auth-tokens.create`. */
export interface MintedToken {
  access_token: string;
  expires_in: number;
  token_type: 'bearer';
}

type Claim<K extends keyof EmulatorTokenClaims> = EmulatorTokenClaims[K];

/**
 * Mints a session token for a rev_info: an HS256 JWT whose `sub` is the `user_ref` and
 * whose other claims carry the refs and traits, so a test (or the stand-in plug.js) can
 * read back exactly whom the library identified.
 */
export function mintToken(
  signer: JwtSigner,
  revInfo: Readonly<Record<string, unknown>> | undefined,
  ttlSeconds: number,
  nowMs = Date.now(),
): MintedToken {
  const iat = Math.floor(nowMs / 1000);
  const claims: EmulatorTokenClaims = {
    // A fault answer may have no valid rev_info to go on; its token still needs a subject.
    sub: typeof revInfo?.user_ref === 'string' ? revInfo.user_ref : 'unknown',
    iss: 'plug-session-emulator',
    account_ref: revInfo?.account_ref as Claim<'account_ref'>,
    workspace_ref: revInfo?.workspace_ref as Claim<'workspace_ref'>,
    user_traits: revInfo?.user_traits as Claim<'user_traits'>,
    account_traits: revInfo?.account_traits as Claim<'account_traits'>,
    workspace_traits: revInfo?.workspace_traits as Claim<'workspace_traits'>,
    iat,
    exp: iat + ttlSeconds,
    jti: randomUUID(),
  };
  return {
    access_token: signer.sign(claims as unknown as Record<string, unknown>),
    expires_in: ttlSeconds,
    token_type: 'bearer',
  };
}
