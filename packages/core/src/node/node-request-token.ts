import { IncomingMessage } from 'node:http';
import { frameworkPrototypeOf } from './framework-prototype.js';

const TOKEN = 'plugSessionToken';
type WithToken = IncomingMessage & { plugSessionToken?: string | undefined };

// By request, behind the accessor this copy of core put on a shared prototype.
const tokens = new WeakMap<object, string | undefined>();
/** Shared prototypes seen, and whether the accessor on each is this copy's. */
const accessors = new WeakMap<object, boolean>();

/**
 * Puts a `plugSessionToken` accessor on a shared request prototype (once), unless one is
 * there already (another copy of core put it); says whether the accessor there is ours.
 */
function prepare(shared: object): boolean {
  let ours = accessors.get(shared);
  if (ours !== undefined) return ours;
  ours = !Object.hasOwn(shared, TOKEN);
  if (ours) {
    Object.defineProperty(shared, TOKEN, {
      configurable: true,
      enumerable: false,
      get(this: object) {
        return tokens.get(this);
      },
      set(this: object, token: string | undefined) {
        tokens.set(this, token);
      },
    });
  }
  accessors.set(shared, ours);
  return ours;
}

/**
 * Sets `req.plugSessionToken` (read as a property, as ever). On an Express request it is kept
 * behind an accessor on Express's shared request prototype, not added to the request: that
 * would cost V8 a new hidden class per request (see {@link frameworkPrototypeOf}). Express
 * requests each end up with a hidden class of their own, so every property read on them is a
 * slow lookup: this reads none when it can.
 * @example
 * setRequestToken(req, tokenOf(resolution));
 */
export function setRequestToken(req: IncomingMessage, token: string | undefined): void {
  const shared = frameworkPrototypeOf(req, IncomingMessage.prototype);
  // A value put on the request itself (before the accessor existed) shadows the accessor.
  if (shared === undefined || !prepare(shared) || Object.hasOwn(req, TOKEN)) {
    (req as WithToken).plugSessionToken = token;
  } else if (token !== undefined || tokens.has(req)) {
    tokens.set(req, token);
  }
}
