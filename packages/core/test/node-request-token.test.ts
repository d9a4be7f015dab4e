import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { frameworkPrototypeOf } from '../src/node/framework-prototype.js';
import { setRequestToken } from '../src/node/node-request-token.js';

type Req = IncomingMessage & { plugSessionToken?: string | undefined };

// Express's shape: requests get an app's prototype, which inherits from one shared prototype.
const frameworkRequest = Object.create(IncomingMessage.prototype) as object;
const appRequest = Object.create(frameworkRequest) as object;
const plainRequest = (): Req => new IncomingMessage(new Socket()) as Req;
const frameworkReq = (): Req => Object.setPrototypeOf(plainRequest(), appRequest) as Req;

describe('frameworkPrototypeOf', () => {
  it('finds the prototype right below the Node class, and nothing for a plain Node object', () => {
    expect(frameworkPrototypeOf(frameworkReq(), IncomingMessage.prototype)).toBe(frameworkRequest);
    expect(frameworkPrototypeOf(plainRequest(), IncomingMessage.prototype)).toBeUndefined();
    expect(frameworkPrototypeOf({}, IncomingMessage.prototype)).toBeUndefined();
  });
});

describe('setRequestToken', () => {
  it('on a framework request: readable as req.plugSessionToken, yet not a property of the request', () => {
    const req = frameworkReq();
    setRequestToken(req, 'tok-1');
    expect(req.plugSessionToken).toBe('tok-1');
    expect(Object.hasOwn(req, 'plugSessionToken')).toBe(false);
    expect(frameworkReq().plugSessionToken).toBeUndefined(); // per request, not shared
    setRequestToken(req, undefined);
    expect(req.plugSessionToken).toBeUndefined();
  });

  it('overwrites a value set on the request before the accessor existed, and one set through it', () => {
    const early = Object.setPrototypeOf(plainRequest(), Object.create(frameworkRequest)) as Req;
    Object.defineProperty(early, 'plugSessionToken', { value: 'forged', writable: true });
    setRequestToken(early, undefined);
    expect(early.plugSessionToken).toBeUndefined();
    setRequestToken(early, 'tok-2');
    expect(early.plugSessionToken).toBe('tok-2');

    const later = frameworkReq();
    later.plugSessionToken = 'forged'; // through the accessor
    setRequestToken(later, undefined);
    expect(later.plugSessionToken).toBeUndefined();
  });

  it('keeps an accessor another copy put on the prototype, and writes through it', () => {
    const stored = new WeakMap<object, unknown>();
    const otherShared = Object.create(IncomingMessage.prototype) as object;
    Object.defineProperty(otherShared, 'plugSessionToken', {
      configurable: true,
      get(this: object) {
        return stored.get(this);
      },
      set(this: object, value: unknown) {
        stored.set(this, value);
      },
    });
    const req = Object.setPrototypeOf(plainRequest(), otherShared) as Req;
    setRequestToken(req, 'tok-3');
    expect(stored.get(req)).toBe('tok-3');
    expect(req.plugSessionToken).toBe('tok-3');
  });

  it('on a plain Node request: a property of the request', () => {
    const req = plainRequest();
    setRequestToken(req, 'tok-4');
    expect(Object.hasOwn(req, 'plugSessionToken')).toBe(true);
    expect(req.plugSessionToken).toBe('tok-4');
  });
});
