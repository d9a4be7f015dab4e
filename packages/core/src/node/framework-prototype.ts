/**
 * The prototype that every object of `value`'s framework shares right below Node's class
 * prototype `base` (for an Express response: Express's `response` object, which each app's
 * and sub-app's prototype inherits from); `undefined` when `value` is a plain Node object
 * (its prototype is `base` itself) or does not descend from `base`.
 *
 * Why it matters: Express gives every request and response a new prototype
 * (`Object.setPrototypeOf`), and in V8 a property then added to that object builds a new
 * hidden class each time, about 4 µs per property (measured on Node 20). What would be a
 * property of each object is better an accessor or a method on this shared prototype.
 */
export function frameworkPrototypeOf(value: object, base: object): object | undefined {
  let proto: object | null = Object.getPrototypeOf(value) as object | null;
  if (proto === base) return undefined;
  while (proto !== null) {
    const next = Object.getPrototypeOf(proto) as object | null;
    if (next === base) return proto;
    proto = next;
  }
  return undefined;
}
