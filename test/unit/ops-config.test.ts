/** Settings for running beyond one machine: parsed in temporal.config.ts, bad values named. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../temporal.config';

const fails = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('load shedding settings', () => {
  it('default to an event-loop limit only', () => {
    const c = loadConfig({});
    expect(c.PRESSURE_MAX_EVENT_LOOP_DELAY_MS).toBe(1000);
    expect([c.PRESSURE_MAX_EVENT_LOOP_UTILIZATION, c.PRESSURE_MAX_HEAP_USED_BYTES, c.PRESSURE_MAX_RSS_BYTES]).toEqual([0, 0, 0]);
    expect(c.PRESSURE_RETRY_AFTER_SECONDS).toBe(10);
  });

  it('name each bad value', () => {
    const msg = fails({ PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '1.5', PRESSURE_MAX_HEAP_USED_BYTES: '-1', PRESSURE_RETRY_AFTER_SECONDS: '0', PRESSURE_MAX_RSS_BYTES: 'lots' });
    for (const v of ['PRESSURE_MAX_EVENT_LOOP_UTILIZATION', 'PRESSURE_MAX_HEAP_USED_BYTES', 'PRESSURE_RETRY_AFTER_SECONDS', 'PRESSURE_MAX_RSS_BYTES']) expect(msg).toContain(v);
  });
});

describe('METRICS_BIND', () => {
  it('is host:port', () => {
    expect(loadConfig({ METRICS_BIND: '0.0.0.0:9464' }).METRICS_BIND).toBe('0.0.0.0:9464');
    expect(fails({ METRICS_BIND: '9464' })).toMatch(/METRICS_BIND: must be host:port/);
  });
});
