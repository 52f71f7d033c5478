/**
 * examples/ats-sync.ts against the live stack with the demo organisation `npm start` seeds:
 * it submits its batch, follows the event feed until the applications move on, approves
 * what waits for the demo approvers and lists the new hires, all through the typed client.
 * Here so the example cannot rot.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atsSync } from '../../examples/ats-sync';
import { seedDemo, type DemoPerson } from '../../db/seed';
import { startStack, type Stack } from '../helpers/stack';

let s: Stack;
let baseUrl: string;
let people: DemoPerson[];

beforeAll(async () => {
  s = await startStack();
  const seed = await seedDemo(s.db.handle.db);
  expect(seed.created).toBe(true);
  people = seed.people;
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

describe('examples/ats-sync.ts', () => {
  it('submits its batch, sees every application move on in the feed, and lists the employees', async () => {
    const lines: string[] = [];
    const out = await atsSync({ baseUrl, people, followMs: 90_000, log: (l) => lines.push(l) });
    expect(out.results.map((r) => r.status), lines.join('\n')).toEqual(['created', 'created', 'created']);
    expect(out.moved, lines.join('\n')).toBe(3);
    // Every application of the batch seen moving, and nothing else; one may move twice
    // before the last one's first move arrives, so there can be more lines than applications.
    const seen = lines.filter((l) => l.startsWith('event application.stage_changed')).map((l) => l.split(' ')[2]!.replace(/:$/, ''));
    expect(new Set(seen)).toEqual(new Set(out.results.map((r) => r.id)));
    expect(out.employees).toBeGreaterThanOrEqual(0);
    // Run again (a new run id): a fresh batch, nothing refused.
    const again = await atsSync({ baseUrl, people, followMs: 90_000, log: () => {} });
    expect(again.results.map((r) => r.status)).toEqual(['created', 'created', 'created']);
  }, 240_000);
});
