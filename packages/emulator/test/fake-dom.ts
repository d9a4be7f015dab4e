import { createContext, runInContext } from 'node:vm';

/** The little of a DOM element the stand-in plug.js touches. */
export class FakeElement {
  id = '';
  title = '';
  textContent = '';
  style: Record<string, string> = {};
  parentNode: FakeBody | null = null;
  readonly attributes = new Map<string, string>();
  setAttribute(name: string, value: unknown) {
    this.attributes.set(name, String(value));
  }
  removeAttribute(name: string) {
    this.attributes.delete(name);
  }
  getAttribute(name: string) {
    return this.attributes.get(name) ?? null;
  }
}

export class FakeBody {
  children: FakeElement[] = [];
  appendChild(element: FakeElement) {
    this.children.push(element);
    element.parentNode = this;
    return element;
  }
  removeChild(element: FakeElement) {
    this.children = this.children.filter((child) => child !== element);
    element.parentNode = null;
    return element;
  }
}

export interface FakePage {
  /** The page's `window`: `plugSDK` and `__plugEmulator` land here. */
  window: Record<string, unknown> & {
    plugSDK?: {
      init(options: Record<string, unknown>): void;
      shutdown(): Promise<void>;
      onEvent(listener: (event: Record<string, unknown>) => void): void;
      readonly isPlugInitialized: boolean;
    };
    __plugEmulator?: { inits: unknown[]; shutdowns: number };
  };
  body: FakeBody;
  /** The widget, if one is on the page. */
  widget(): FakeElement | undefined;
  run(source: string): void;
}

/**
 * A page stub for running plug.js in a `node:vm` context: no DOM library, just what the
 * script uses, with the real `fetch` so it can talk to the emulator. No `eval` is needed
 * by the script, so none is given.
 */
export function fakePage(scriptSrc: string | null): FakePage {
  const body = new FakeBody();
  const window: FakePage['window'] = {};
  const document = {
    currentScript: scriptSrc === null ? null : { src: scriptSrc },
    body,
    createElement: () => new FakeElement(),
    querySelector: () => null,
    addEventListener: () => {},
  };
  const context = createContext({ window, document, fetch, URL, console });
  return {
    window,
    body,
    widget: () => body.children.find((child) => child.id === 'plug-emulator-widget'),
    run: (source) => runInContext(source, context, { filename: 'plug.js' }),
  };
}
