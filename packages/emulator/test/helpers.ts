import type { Emulator } from '../src/index.js';

/** One answer, with its body both as text and (when it parses) as JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | undefined;
}

export interface MintOptions {
  /** The authorization header; `null` sends none. */
  auth?: string | null;
  path?: string;
  /** The raw body; defaults to `{ rev_info }`. */
  body?: string;
}

/** POSTs to a token endpoint of the emulator, as the library would. */
export async function mint(
  emu: Emulator,
  revInfo: unknown = { user_ref: 'alice' },
  { auth = 'any-aat', path = '/internal/auth-tokens.create', body }: MintOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
  };
  if (auth !== null) headers.authorization = auth;
  const response = await fetch(emu.url + path, {
    method: 'POST',
    headers,
    body: body ?? JSON.stringify({ rev_info: revInfo }),
  });
  return toAnswer(response);
}

export async function toAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The claims of a JWT, decoded without checking anything. */
export function decodeClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
