import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../api/cache';

describe('TtlCache', () => {
  const clock = () => {
    let t = 1_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('answers from memory until the time is up, then loads again', async () => {
    const c = clock();
    const cache = new TtlCache<string, number>(100, 10, c.now);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toBe(1);
    c.advance(99);
    expect(await cache.get('a', load)).toBe(1);
    c.advance(1);
    expect(await cache.get('a', load)).toBe(2);
  });

  it('shares one load between concurrent callers of a key, and keeps keys apart', async () => {
    const cache = new TtlCache<string, string>(1_000);
    let loads = 0;
    const load = (v: string) => async () => {
      loads += 1;
      await new Promise((r) => setTimeout(r, 5));
      return v;
    };
    const got = await Promise.all([cache.get('a', load('A')), cache.get('a', load('A2')), cache.get('b', load('B'))]);
    expect(got).toEqual(['A', 'A', 'B']);
    expect(loads).toBe(2);
  });

  it('does not keep a failed load', async () => {
    const cache = new TtlCache<string, number>(1_000);
    await expect(cache.get('a', () => Promise.reject(new Error('no such job')))).rejects.toThrow('no such job');
    expect(cache.size).toBe(0);
    expect(await cache.get('a', async () => 7)).toBe(7);
  });

  it('holds at most maxEntries, dropping expired then oldest entries', async () => {
    const c = clock();
    const cache = new TtlCache<number, number>(100, 3, c.now);
    for (const k of [1, 2, 3]) await cache.get(k, async () => k);
    await cache.get(4, async () => 4);
    expect(cache.size).toBe(3);
    let reloaded = false;
    await cache.get(1, async () => ((reloaded = true), 1));
    expect(reloaded).toBe(true);
    c.advance(100);
    await cache.get(5, async () => 5);
    expect(cache.size).toBe(1);
  });

  it('forgets a key on delete and everything on clear', async () => {
    const cache = new TtlCache<string, number>(1_000);
    await cache.get('a', async () => 1);
    await cache.get('b', async () => 2);
    cache.delete('a');
    expect(await cache.get('a', async () => 3)).toBe(3);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
