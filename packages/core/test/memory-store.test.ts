import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../src/tokens/memory-store.js';

const token = (name: string) => ({
  token: name,
  expiresAt: Date.now() + 60_000,
  usableUntil: Date.now() + 50_000,
  refreshAt: Date.now() + 40_000,
});

describe('createMemoryStore', () => {
  it('evicts the least recently used entry beyond max', async () => {
    const store = createMemoryStore({ max: 2 });
    await store.set('a', token('a'), 10_000);
    await store.set('b', token('b'), 10_000);
    await store.get('a');
    await store.set('c', token('c'), 10_000);
    expect((await store.get('a'))?.token).toBe('a');
    expect(await store.get('b')).toBeUndefined();
    expect((await store.get('c'))?.token).toBe('c');
  });

  it('keeps nothing for a ttl that has already run out', async () => {
    const store = createMemoryStore();
    await store.set('a', token('a'), 0);
    await store.set('b', token('b'), -5);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toBeUndefined();
  });

  it('drops an entry once its ttl has passed', async () => {
    const store = createMemoryStore();
    await store.set('a', token('a'), 5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await store.get('a')).toBeUndefined();
  });

  it('sets no timer when an entry is read', async () => {
    const store = createMemoryStore();
    await store.set('a', token('a'), 10_000);
    // A read a millisecond or more after the last one is what lru-cache would time by default.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    try {
      expect((await store.get('a'))?.token).toBe('a');
      expect(setTimer).not.toHaveBeenCalled();
    } finally {
      setTimer.mockRestore();
    }
  });

  it('deletes and clears on shutdown', async () => {
    const store = createMemoryStore();
    await store.set('a', token('a'), 10_000);
    await store.set('b', token('b'), 10_000);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    await store.shutdown?.();
    expect(await store.get('b')).toBeUndefined();
  });

  it('refuses a max that is not a positive integer', () => {
    expect(() => createMemoryStore({ max: 0 })).toThrow(/cache\.max/);
    expect(() => createMemoryStore({ max: 1.5 })).toThrow(/cache\.max/);
  });
});
