// Past these, a value is not worth remembering: it goes through full validation every time.
const MAX_DEPTH = 8;
const MAX_SIZE = 4096;

/** An object's own enumerable keys in `for…in` order, and its values' shapes in that order. */
export class RecordShape {
  constructor(
    readonly keys: readonly string[],
    readonly values: readonly PlainShape[],
  ) {}
}
export class ListShape {
  constructor(readonly items: readonly PlainShape[]) {}
}
/**
 * Plain data as it was read, frozen, to recognise the same data again with {@link samePlain}:
 * the app may mutate or reuse the object it returned, the shape never changes.
 */
export type PlainShape = string | number | boolean | null | undefined | RecordShape | ListShape;

/** A copy of plain data: fresh objects and arrays to validate, and its shape to remember. */
export interface PlainCopy {
  readonly data: unknown;
  readonly shape: PlainShape;
}

/** How far the copy has got: its size so far (strings' and keys' lengths, one per node). */
interface Copying {
  size: number;
}

const isPlainRecord = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * Copies `value` if it is plain data: strings, numbers, booleans, `null`, `undefined`,
 * arrays, and objects whose prototype is `Object.prototype` or `null` with only enumerable
 * own string keys, at most {@link MAX_DEPTH} deep and {@link MAX_SIZE} in size. Each key is
 * read once. Anything else (a class instance, a Date, a function, a BigInt, a hidden key, a
 * `__proto__` key, a cycle, a proxy or getter that throws) gives `undefined`.
 *
 * @example
 * const copy = copyPlain({ user_ref: 'u1' });
 * samePlain({ user_ref: 'u1' }, copy!.shape); // true
 */
export function copyPlain(value: unknown): PlainCopy | undefined {
  try {
    return copy(value, 0, { size: 0 });
  } catch {
    return undefined;
  }
}

/** The copy of `value`, or `undefined` when it is not plain data or makes the copy too large. */
function copy(value: unknown, depth: number, copying: Copying): PlainCopy | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      copying.size += typeof value === 'string' ? value.length : 1;
      return copying.size <= MAX_SIZE ? { data: value, shape: value } : undefined;
    case 'object':
      if (value === null) return { data: null, shape: null };
      if (depth >= MAX_DEPTH || ++copying.size > MAX_SIZE) return undefined;
      return Array.isArray(value)
        ? copyList(value, depth, copying)
        : copyRecord(value, depth, copying);
    default:
      return undefined;
  }
}

function copyList(value: unknown[], depth: number, copying: Copying): PlainCopy | undefined {
  if (Object.getPrototypeOf(value) !== Array.prototype || value.length > MAX_SIZE) return;
  const data: unknown[] = [];
  const items: PlainShape[] = [];
  for (let i = 0; i < value.length; i++) {
    const item = copy(value[i], depth + 1, copying);
    if (item === undefined) return;
    data.push(item.data);
    items.push(item.shape);
  }
  return { data, shape: new ListShape(Object.freeze(items)) };
}

function copyRecord(value: object, depth: number, copying: Copying): PlainCopy | undefined {
  if (!isPlainRecord(value)) return;
  const record = value as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  const keys: string[] = [];
  const values: PlainShape[] = [];
  for (const key in record) {
    // Assigning `__proto__` would set the copy's prototype instead of a key.
    if (key === '__proto__' || !Object.hasOwn(record, key)) return;
    copying.size += key.length;
    const member = copy(record[key], depth + 1, copying);
    if (member === undefined) return;
    data[key] = member.data;
    keys.push(key);
    values.push(member.shape);
  }
  // A hidden (non-enumerable) key is read by validation but not by `for…in`: not plain.
  if (Object.getOwnPropertyNames(record).length !== keys.length) return;
  return { data, shape: new RecordShape(Object.freeze(keys), Object.freeze(values)) };
}

/**
 * Whether `value` holds the same data as `shape` was read from: the same keys in the same
 * order, the same strings, booleans, `null`s and `undefined`s, and numbers equal by
 * `Object.is` (so `NaN` matches itself and `-0` does not match `0`). Reads `value` once and
 * allocates nothing: it runs on every request. A getter or proxy that throws gives false.
 *
 * @example
 * samePlain({ user_ref: 'u1', x: undefined }, copyPlain({ user_ref: 'u1' })!.shape); // false
 */
export function samePlain(value: unknown, shape: PlainShape): boolean {
  try {
    return same(value, shape);
  } catch {
    return false;
  }
}

function same(value: unknown, shape: PlainShape): boolean {
  if (typeof shape !== 'object' || shape === null) return Object.is(value, shape);
  return shape instanceof RecordShape ? sameRecord(value, shape) : sameList(value, shape);
}

function sameList(value: unknown, shape: ListShape): boolean {
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return false;
  const { items } = shape;
  if (value.length !== items.length) return false;
  for (let i = 0; i < items.length; i++) if (!same(value[i], items[i])) return false;
  return true;
}

function sameRecord(value: unknown, shape: RecordShape): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (!isPlainRecord(value)) return false;
  const record = value as Record<string, unknown>;
  const { keys, values } = shape;
  let i = 0;
  for (const key in record) {
    if (i === keys.length || key !== keys[i] || !same(record[key], values[i])) return false;
    i++;
  }
  return i === keys.length;
}
