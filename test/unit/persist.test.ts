import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { LEASE_MARGIN_MS, persistUntil, writeDeadline } from '../../db/persist';

describe('persistUntil', () => {
  it('retries a failing write until it succeeds', async () => {
    let calls = 0;
    const result = await persistUntil(async () => {
      calls++;
      if (calls < 4) throw new Error('connection refused');
      return 'written';
    }, performance.now() + 10_000);
    expect(result).toBe('written');
    expect(calls).toBe(4);
  });

  it('gives up with the last error once the next wait would pass the deadline', async () => {
    let calls = 0;
    const write = async () => {
      calls++;
      throw new Error(`refused ${calls}`);
    };
    // Waits of 0.1, 0.2, 0.4 s… : a few calls fit in 0.5 s, and the error is the last call's.
    const error = await persistUntil(write, performance.now() + 500).catch((e: Error) => e);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(3);
    expect(error).toEqual(new Error(`refused ${calls}`));
  });

  it('writes once when the deadline has passed already, without waiting', async () => {
    let calls = 0;
    await expect(
      persistUntil(async () => {
        calls++;
        throw new Error('down');
      }, performance.now() - 1),
    ).rejects.toThrow('down');
    expect(calls).toBe(1);
  });
});

describe('writeDeadline', () => {
  it('stops the retries a margin before the lease ends', () => {
    expect(writeDeadline(1_000, 50_000)).toBe(1_000 + 50_000 - LEASE_MARGIN_MS);
  });
  it('keeps half of a short lease (tests use short leases)', () => {
    expect(writeDeadline(0, 4_000)).toBe(2_000);
  });
});
