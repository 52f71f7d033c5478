/**
 * A real S3-compatible server for the S3 document driver's tests: moto in server mode
 * (scripts/install-s3-server.sh installs it into .tools/s3-venv), on a free loopback port,
 * one per test file. Moto accepts any credentials and checks the request's shape and
 * signature headers; the driver cannot tell it from S3.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AwsClient } from 'aws4fetch';
import { freePort } from '../../scripts/temporal-cli';
import { eventually } from './wait';

const MOTO_SERVER = path.join(fileURLToPath(new URL('../..', import.meta.url)), '.tools/s3-venv/bin/moto_server');

export interface TestS3 {
  url: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The environment for DOCUMENT_STORE=s3 with `bucket`. */
  env(bucket: string): Record<string, string>;
  createBucket(bucket: string): Promise<void>;
  /** The bucket's keys (ListObjectsV2). */
  keys(bucket: string): Promise<string[]>;
  /** An object's stored bytes and metadata headers, as the bucket holds them (GetObject). */
  object(bucket: string, key: string): Promise<{ bytes: Buffer; meta: Record<string, string> }>;
  stop(): Promise<void>;
}

export async function startS3Server(): Promise<TestS3> {
  if (!existsSync(MOTO_SERVER)) throw new Error(`${MOTO_SERVER} is missing: run bash scripts/install-s3-server.sh`);
  const port = await freePort();
  const child: ChildProcess = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const creds = { accessKeyId: 'test-access-key', secretAccessKey: 'test-secret-key', region: 'eu-central-1' };
  const aws = new AwsClient({ ...creds, service: 's3', retries: 0 });
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
    const res = await fetch(`${url}/`).catch(() => null);
    await res?.arrayBuffer();
    return res !== null;
  }, 60_000).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`moto_server did not answer on ${url}: ${(e as Error).message}\n${stderr}`);
  });
  return {
    url,
    ...creds,
    env: (bucket) => ({
      DOCUMENT_STORE: 's3',
      S3_URL: url,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: creds.accessKeyId,
      S3_SECRET_ACCESS_KEY: creds.secretAccessKey,
      S3_REGION: creds.region,
    }),
    async createBucket(bucket) {
      const body = `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${creds.region}</LocationConstraint></CreateBucketConfiguration>`;
      const res = await aws.fetch(`${url}/${bucket}`, { method: 'PUT', body });
      if (!res.ok) throw new Error(`CreateBucket ${bucket}: HTTP ${res.status} ${await res.text()}`);
    },
    async keys(bucket) {
      const res = await aws.fetch(`${url}/${bucket}?list-type=2`, { method: 'GET' });
      const text = await res.text();
      if (!res.ok) throw new Error(`ListObjectsV2 ${bucket}: HTTP ${res.status} ${text}`);
      return [...text.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!).sort();
    },
    async object(bucket, key) {
      const res = await aws.fetch(`${url}/${bucket}/${encodeURIComponent(key)}`, { method: 'GET' });
      if (!res.ok) throw new Error(`GetObject ${bucket}/${key}: HTTP ${res.status}`);
      const meta = Object.fromEntries([...res.headers].filter(([h]) => h.startsWith('x-amz-meta-')));
      return { bytes: Buffer.from(await res.arrayBuffer()), meta };
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
