/**
 * The whole stack with DOCUMENT_STORE=s3 against a real S3-compatible server (moto,
 * test/helpers/s3.ts): a new hire's uploads land as objects in the bucket and nowhere in
 * the database, HR downloads them back byte for byte, and erasure deletes the candidate's
 * own objects while a file another employee shares stays.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDF_BYTES, PNG_BYTES } from '../helpers/multipart';
import { createOrg, type Org } from '../helpers/org';
import { startS3Server, type TestS3 } from '../helpers/s3';
import { onboarded, quickJob, uploadDocument } from '../helpers/scenario';
import { startStack, type Stack } from '../helpers/stack';

const BUCKET = 'hwe-stack-documents';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('onboarding documents in S3', () => {
  let s3: TestS3;
  let s: Stack;
  let org: Org;
  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.createBucket(BUCKET);
    s = await startStack({ env: s3.env(BUCKET) });
    org = await createOrg(s);
  });
  afterAll(async () => {
    await s?.stop();
    await s3?.stop();
  });

  it('uploads go to the bucket, HR reads them back, erasure deletes the erased employee\'s objects only', { timeout: 240_000 }, async () => {
    expect(s.config.documentStore).toBe('s3');
    const jobId = await quickJob(s, org);
    const [a, b] = await Promise.all([onboarded(s, org, jobId), onboarded(s, org, jobId)]);
    const upload = (token: string, kind: string, filename: string, contentType: string, bytes: Uint8Array) => uploadDocument(s, token, kind, filename, contentType, bytes);
    const own = Uint8Array.from([...PNG_BYTES, ...Buffer.from(a.id)]);
    const idCopy = await upload(a.portalToken, 'id_copy', 'passport.png', 'image/png', own);
    await upload(a.portalToken, 'diploma', 'diploma.pdf', 'application/pdf', PDF_BYTES);
    await upload(b.portalToken, 'diploma', 'diploma.pdf', 'application/pdf', PDF_BYTES);

    // Two objects (the shared diploma is one), none in the database.
    expect(await s3.keys(BUCKET)).toEqual([`${sha256(PDF_BYTES)}.pdf`, `${sha256(own)}.png`].sort());
    const blobs = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from document_blobs`);
    expect(blobs[0]!.n).toBe(0);

    const download = await s.app.inject({
      method: 'GET',
      url: `/v1/employees/${a.employeeId}/documents/${idCopy.id}`,
      headers: { authorization: `Bearer ${org.hr.token}` },
    });
    expect(download.statusCode).toBe(200);
    expect(Buffer.compare(download.rawPayload, Buffer.from(own))).toBe(0);

    const erased = await s.api('POST', `/v1/applications/${a.id}/erase`, { body: { reason: 'Withdrew consent before starting' } });
    expect(erased.status, JSON.stringify(erased.body)).toBe(202);
    expect(erased.body.filesDeleted).toBe(1);
    expect(await s3.keys(BUCKET)).toEqual([`${sha256(PDF_BYTES)}.pdf`]);
  });
});
