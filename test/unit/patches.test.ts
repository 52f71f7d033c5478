/**
 * Our pinned patches (patches/) fix real faults in dependencies. If one stops applying
 * (a dependency moved), `npm ci` must fail rather than install the unpatched code quietly.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const postinstall = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
  .scripts.postinstall!;

/** Runs the postinstall command with its patches taken from `dir` (relative to the root). */
function runPostinstall(dir: string) {
  const [cmd, ...args] = postinstall.split(/\s+/);
  return spawnSync(path.join(ROOT, 'node_modules/.bin', cmd!), [...args, '--patch-dir', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: '' },
  });
}

describe('postinstall patches', () => {
  it('apply cleanly as committed', () => {
    const r = runPostinstall('patches');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    for (const f of readdirSync(path.join(ROOT, 'patches'))) expect(r.stdout).toContain(`${f.split('+')[0]}`);
  });

  it('fail the install when a patch no longer applies', () => {
    const dir = mkdtempSync(path.join(ROOT, 'node_modules/.cache-bad-patch-'));
    const patch = readFileSync(path.join(ROOT, 'patches/postgres+3.4.9.patch'), 'utf8');
    // Every added line changed: the code the patch expects to produce is not what is installed.
    writeFileSync(path.join(dir, 'postgres+3.4.9.patch'), patch.replace(/^\+(?!\+)(.*)$/gm, '+$1 // moved upstream'));
    const r = runPostinstall(path.relative(ROOT, dir));
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/failed to apply|error/i);
    execFileSync('rm', ['-rf', dir]);
  });
});
