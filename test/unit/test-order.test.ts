/** The order the two-at-a-time run starts its files in (test/helpers/sequencer.ts). */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { longestFirst, readDurations } from '../helpers/sequencer';

describe('longest first', () => {
  it('starts the longest measured file first and the shortest last', () => {
    expect(longestFirst(['a.test.ts', 'b.test.ts', 'c.test.ts'], { 'a.test.ts': 5, 'b.test.ts': 80, 'c.test.ts': 20 })).toEqual(['b.test.ts', 'c.test.ts', 'a.test.ts']);
  });

  it('starts files it has no time for before all the others, in name order', () => {
    expect(longestFirst(['old.test.ts', 'new-b.test.ts', 'new-a.test.ts'], { 'old.test.ts': 100 })).toEqual(['new-a.test.ts', 'new-b.test.ts', 'old.test.ts']);
  });

  it('orders files of equal time by name, so two runs start them the same way', () => {
    expect(longestFirst(['z.test.ts', 'y.test.ts'], { 'z.test.ts': 3, 'y.test.ts': 3 })).toEqual(['y.test.ts', 'z.test.ts']);
  });

  it('keeps every file: the order changes, never what runs', () => {
    const files = ['a', 'b', 'c', 'd'].map((x) => `${x}.test.ts`);
    expect([...longestFirst(files, { 'b.test.ts': 1, 'd.test.ts': 9 })].sort()).toEqual(files);
  });

  it('the committed list names only files that exist, each with a positive time', () => {
    const listed = readDurations();
    expect(Object.keys(listed).length).toBeGreaterThan(50);
    for (const [file, seconds] of Object.entries(listed)) {
      expect(existsSync(file), file).toBe(true);
      expect(seconds, file).toBeGreaterThan(0);
    }
  });
});
