// The checks every option's normalizer shares, and the error they throw.

/** Thrown at start-up for invalid options; the message names the option and the fix. */
export class PlugSessionOptionsError extends TypeError {
  override readonly name = 'PlugSessionOptionsError';
  readonly option: string;
  constructor(option: string, problem: string) {
    super(`plug-session: option \`${option}\` ${problem}`);
    this.option = option;
  }
}

export const HEADER_BREAK = /[\r\n\0]/;
// What a header value may hold besides its line: tab, visible ASCII, obs-text (RFC 9110 §5.5).
export const NOT_IN_HEADER = /[^\t\x20-\x7e\x80-\xff]/;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalFunction<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new PlugSessionOptionsError(name, 'must be a function when given');
  }
  return value;
}
