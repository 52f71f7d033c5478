/**
 * Reading a workflow's history the way an operator would (the Temporal CLI), and looking
 * for a candidate's personal data in it: as plain text and inside every base64 string
 * (payload data and metadata are base64 in the CLI's JSON).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { resolveTemporalCli } from '../../scripts/temporal-cli';
import type { Stack } from './stack';

const run = promisify(execFile);

/** `temporal workflow show -w <id> -o json` (plus extra flags, e.g. the codec endpoint); throws on a non-zero exit. */
export async function cliHistory(s: Stack, workflowId: string, extra: string[] = []): Promise<string> {
  const { stdout } = await run(
    resolveTemporalCli(),
    ['workflow', 'show', '-w', workflowId, '-o', 'json', '--address', s.config.TEMPORAL_ADDRESS, '--namespace', s.config.TEMPORAL_NAMESPACE, ...extra],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** Runs the CLI and returns its exit status and output, whether it failed or not. */
export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(resolveTemporalCli(), args, { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const BASE64 = /^[A-Za-z0-9+/]{8,}={0,2}$/;

/** Every text a document holds: itself, and the decoding of each base64-looking string in it. */
export function readableTexts(doc: string): string[] {
  const out = [doc];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (BASE64.test(v) && v.length % 4 === 0) out.push(Buffer.from(v, 'base64').toString('utf8'));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  try {
    walk(JSON.parse(doc));
  } catch {
    // not JSON: only the plain text counts
  }
  return out;
}

/** Which of `needles` appear anywhere readable in `doc` (case-insensitive). */
export function foundIn(doc: string, needles: string[]): string[] {
  const texts = readableTexts(doc).map((t) => t.toLowerCase());
  return needles.filter((n) => texts.some((t) => t.includes(n.toLowerCase())));
}

/** A candidate whose name, e-mail, phone and salary appear nowhere else, to look for afterwards. */
export function uniqueCandidate() {
  const tag = randomUUID().slice(0, 8);
  return {
    name: `Zhuang Xiaolin ${tag}`,
    email: `zx.${tag}@candidates.example.com`,
    phone: `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    salary: 300_000 + Math.floor(Math.random() * 90_000),
  };
}


/** A payload as the CLI's JSON shows it (base64 values). */
export interface TJsonPayload {
  metadata: Record<string, string>;
  data?: string;
}

/** Every payload in a CLI history, search attributes (Temporal's index, never encoded) aside. */
export function payloadsIn(history: string): TJsonPayload[] {
  const out: TJsonPayload[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.metadata && typeof o.metadata === 'object' && 'encoding' in o.metadata) out.push({ metadata: o.metadata as Record<string, string>, data: (o.data as string) ?? '' });
      // A patch marker's details are the patch id (e.g. "company-calendar"), written by the
      // SDK's core, which no codec sees; nothing of the application is in them.
      else if (o.markerName === 'core_patch') return;
      else Object.entries(o).forEach(([k, x]) => k !== 'searchAttributes' && walk(x));
    }
  };
  walk(JSON.parse(history));
  return out;
}
