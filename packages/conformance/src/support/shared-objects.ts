interface Watched {
  readonly label: string;
  readonly prototype: object | null;
  readonly properties: ReadonlyMap<PropertyKey, PropertyDescriptor>;
}

/** Records objects shared beyond one request, to tell later whether anything changed them. */
export interface SharedObjects {
  /**
   * Records `object` under `label`, and every prototype above it up to (not including)
   * `Object.prototype`, unless already recorded under another label: every own property
   * (names and symbols) with its value, getter and setter, flags, and the object's prototype.
   */
  add(label: string, object: object): void;
  /** Whether `object` has been recorded. */
  has(object: object): boolean;
  /** The labels of every recorded object, in the order they were added. */
  labels(): string[];
  /**
   * What changed since each object was recorded, one line per change ("express.response:
   * writeHead added"); `[]` when nothing was added, removed or replaced.
   */
  changes(): string[];
}

const keyName = (key: PropertyKey): string =>
  typeof key === 'symbol' ? `[${key.description ?? 'symbol'}]` : String(key);

function propertiesOf(object: object): Map<PropertyKey, PropertyDescriptor> {
  const properties = new Map<PropertyKey, PropertyDescriptor>();
  for (const key of Reflect.ownKeys(object)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
    if (descriptor) properties.set(key, descriptor);
  }
  return properties;
}

const PARTS = ['value', 'get', 'set', 'writable', 'enumerable', 'configurable'] as const;

/** What differs between two descriptors of one property, compared by identity. */
function differences(before: PropertyDescriptor, after: PropertyDescriptor): string[] {
  return PARTS.filter((part) => !Object.is(before[part], after[part]));
}

/**
 * Starts recording shared objects (prototypes, framework objects); see {@link SharedObjects}.
 *
 * @example
 * const shared = watchSharedObjects();
 * shared.add('express.response', express.response);
 * // … serve pages …
 * expect(shared.changes()).toEqual([]);
 */
export function watchSharedObjects(): SharedObjects {
  const watched = new Map<object, Watched>();
  const record = (label: string, object: object) => {
    if (watched.has(object)) return;
    watched.set(object, {
      label,
      prototype: Object.getPrototypeOf(object) as object | null,
      properties: propertiesOf(object),
    });
  };
  return {
    add(label, object) {
      let depth = 0;
      for (
        let current: object | null = object;
        current !== null && current !== Object.prototype;
        current = Object.getPrototypeOf(current) as object | null
      ) {
        const name = (current as { constructor?: { name?: unknown } }).constructor?.name;
        const what = typeof name === 'string' && name !== '' ? ` (${name})` : '';
        record(depth === 0 ? label : `${label} → prototype ${depth}${what}`, current);
        depth++;
      }
    },
    has: (object) => watched.has(object),
    labels: () => [...watched.values()].map((entry) => entry.label),
    changes() {
      const found: string[] = [];
      for (const [object, before] of watched) {
        const { label } = before;
        if (Object.getPrototypeOf(object) !== before.prototype) {
          found.push(`${label}: its prototype was replaced`);
        }
        const now = propertiesOf(object);
        for (const [key, descriptor] of now) {
          const was = before.properties.get(key);
          if (was === undefined) {
            const kind = descriptor.get || descriptor.set ? 'an accessor' : typeof descriptor.value;
            found.push(`${label}: ${keyName(key)} added (${kind})`);
            continue;
          }
          const changed = differences(was, descriptor);
          if (changed.length > 0) {
            found.push(`${label}: ${keyName(key)} replaced (${changed.join(', ')})`);
          }
        }
        for (const key of before.properties.keys()) {
          if (!now.has(key)) found.push(`${label}: ${keyName(key)} removed`);
        }
      }
      return found;
    },
  };
}
