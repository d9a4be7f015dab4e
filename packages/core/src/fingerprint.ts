// Past these, a value is not worth remembering: it goes through full validation every time.
const MAX_DEPTH = 8;
const MAX_LENGTH = 4096;

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * A string that two plain-data values share only when they hold the same data in the same
 * order: strings, numbers (`-0` apart), booleans, `null`, `undefined`, arrays and plain
 * objects, at most {@link MAX_DEPTH} deep and {@link MAX_LENGTH} characters long. Anything
 * else (a class instance, a Date, a function, a BigInt, a cycle too deep, a proxy that
 * throws) gives `undefined`. Unlike JSON it keeps `undefined`, `NaN` and `-0` apart, so a
 * value can be recognised as one validated before without being validated again.
 *
 * @example
 * fingerprint({ user_ref: 'u1' }); // '{"user_ref":"u1"}'
 * fingerprint({ user_ref: 'u1', x: undefined }); // '{"user_ref":"u1","x":~}'
 */
export function fingerprint(value: unknown): string | undefined {
  try {
    return write(value, 0, { length: 0 });
  } catch {
    return undefined;
  }
}

function write(value: unknown, depth: number, budget: { length: number }): string | undefined {
  let out: string | undefined;
  switch (typeof value) {
    case 'string':
      out = JSON.stringify(value);
      break;
    case 'number':
      out = Object.is(value, -0) ? '-0' : String(value);
      break;
    case 'boolean':
      out = value ? 'true' : 'false';
      break;
    case 'undefined':
      out = '~';
      break;
    case 'object':
      if (value === null) out = 'null';
      else return depth < MAX_DEPTH ? writeObject(value, depth + 1, budget) : undefined;
      break;
  }
  // Only scalars count towards the length: containers add a few characters each.
  if (out === undefined) return undefined;
  budget.length += out.length;
  return budget.length > MAX_LENGTH ? undefined : out;
}

function writeObject(value: object, depth: number, budget: { length: number }): string | undefined {
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return undefined;
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item = write(value[i], depth, budget);
      if (item === undefined) return undefined;
      out += i === 0 ? item : `,${item}`;
    }
    return `${out}]`;
  }
  if (!isPlainObject(value)) return undefined;
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record)) {
    const member = write(record[key], depth, budget);
    if (member === undefined) return undefined;
    const name = JSON.stringify(key);
    budget.length += name.length;
    out += `${first ? '' : ','}${name}:${member}`;
    first = false;
  }
  return `${out}}`;
}
