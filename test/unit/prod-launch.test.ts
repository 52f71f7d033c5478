import { describe, expect, it } from 'vitest';
import { parseProdLaunch, prodLaunch } from '../../scripts/prod-launch';

describe('parseProdLaunch (how the benchmark starts its processes as their npm scripts do)', () => {
  it('splits the settings before node and the options after it from the entry', () => {
    expect(parseProdLaunch('MALLOC_ARENA_MAX=2 node --max-semi-space-size=2 dist/worker.js')).toEqual({
      env: { MALLOC_ARENA_MAX: '2' },
      nodeArgs: ['--max-semi-space-size=2'],
      command: 'MALLOC_ARENA_MAX=2 node --max-semi-space-size=2 dist/worker.js',
    });
    expect(parseProdLaunch('node dist/api.js')).toMatchObject({ env: {}, nodeArgs: [] });
    expect(parseProdLaunch('tsx --expose-gc worker.ts')).toMatchObject({ env: {}, nodeArgs: ['--expose-gc'] });
  });

  it('refuses a script of another shape instead of measuring something else', () => {
    expect(() => parseProdLaunch('ts-node worker.ts')).toThrow(/then node or tsx/);
    expect(() => parseProdLaunch('tsx dist/worker.js')).toThrow(/one \.ts entry/);
    expect(() => parseProdLaunch('node worker.ts')).toThrow(/one \.js entry/);
    expect(() => parseProdLaunch('node dist/worker.js --inspect')).toThrow(/one \.js entry/);
    expect(() => parseProdLaunch('cross-env A=1 node dist/worker.js')).toThrow(/then node or tsx/);
    expect(() => parseProdLaunch('node --max-semi-space-size=2')).toThrow(/one \.js entry/);
  });

  it('reads the four scripts from package.json', () => {
    expect(prodLaunch('worker:prod').command).toMatch(/dist\/worker\.js$/);
    expect(prodLaunch('api:prod').command).toMatch(/dist\/api\.js$/);
    expect(prodLaunch('worker').command).toMatch(/^tsx .*worker\.ts$/);
    expect(prodLaunch('api').command).toMatch(/^tsx .*api\/server\.ts$/);
  });
});
