/**
 * What read-your-writes costs an approver: the latency of `POST /v1/applications/:id/offer/approvals`
 * (through the API, `inject`), level 1 (its answer now waits until level 2 is open and in the
 * inbox) and level 2 (now waits until the letter is rendered and the offer is sent).
 *
 *   npx tsx scripts/bench-approvals.ts [n]     # n applications (default 25), one approval at a time
 *
 * Brings n applications to offer_approval (in parallel, untimed), then times each approval
 * one after another; level 2 of an application is approved only once its level 1 is open
 * for it, so both the old and the new workflow code can be measured with the same script.
 */
import { fileURLToPath } from 'node:url';
import { JOB } from './harness/actors';
import { summarize, timed } from './bench/util';
import { OFFER, toDecision, withRecordingStack, type Driver, type Org } from './record-histories';

async function toApproval(d: Driver, org: Org, jobId: string, i: number): Promise<string> {
  const { id } = await toDecision(d, org, jobId, { name: `Bench Approver ${i}`, email: `bench${i}@candidates.example.com` }, 'advance');
  await d.waitForStage(id, 'offer_drafting', org.hr.token);
  await d.must(200, 'PUT', `/v1/applications/${id}/offer`, { token: org.hr.token, body: OFFER() });
  await d.must(200, 'POST', `/v1/applications/${id}/offer/submit`, { token: org.hr.token });
  await d.waitForStage(id, 'offer_approval', org.hr.token);
  return id;
}

/** Times one approval; the caller may have to wait for its level to open (old code), untimed. */
async function approve(d: Driver, id: string, token: string): Promise<number> {
  for (;;) {
    const [ms, res] = await timed(() => d.api('POST', `/v1/applications/${id}/offer/approvals`, { token, body: { decision: 'approve' } }));
    if (res.status === 200) return ms;
    if (res.status !== 403) throw new Error(`approval of ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(n: number) {
  await withRecordingStack(async ({ d, org }) => {
    const job = await d.must(201, 'POST', '/v1/jobs', { token: org.hr.token, body: JOB(org.departmentId) });
    const ids = await Promise.all(Array.from({ length: n }, (_, i) => toApproval(d, org, job.id, i)));
    const level1: number[] = [];
    const level2: number[] = [];
    for (const id of ids) {
      level1.push(await approve(d, id, org.manager.token));
      level2.push(await approve(d, id, org.gm.token));
    }
    const line = (name: string, v: number[]) => {
      const s = summarize(v);
      console.log(`${name.padEnd(28)} n=${s.n}  p50 ${s.p50.toFixed(1)} ms  p90 ${s.p90.toFixed(1)} ms  max ${s.max.toFixed(1)} ms`);
    };
    line('approval, level 1 of 2', level1);
    line('approval, level 2 of 2', level2);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(Number(process.argv[2] ?? 25)).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
