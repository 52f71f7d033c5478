/**
 * CPU and memory of processes from /proc (Linux): the worker, the API, the Temporal dev
 * server and every PostgreSQL backend, so each phase can say where the machine's time went.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICK_MS = 10; // CLK_TCK is 100 on Linux

function statFields(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces: the fields start after the last ')'.
    return raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** User + system CPU of a process in ms (its own, plus reaped children's when `children`). */
export function cpuMs(pid: number, children = false): number {
  const f = statFields(pid);
  if (!f) return 0;
  // fields after ')' : state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
  const own = Number(f[11]) + Number(f[12]);
  return (own + (children ? Number(f[13]) + Number(f[14]) : 0)) * TICK_MS;
}

/** Resident set and its high-water mark, in MiB. */
export function memMb(pid: number): { rss: number; hwm: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** CPU ms of every process named `postgres` (the postmaster's reaped backends included). */
export function postgresCpuMs(): number {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!raw.includes('(postgres)')) continue;
      total += cpuMs(pid, true);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Machine-wide busy and total jiffies, in ms. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}

export interface CpuSnapshot {
  at: number;
  byName: Record<string, number>;
  machine: { busy: number; total: number };
}

/** Snapshots CPU of named pids (plus 'postgres' and this process as 'bench'). */
export function cpuSnapshot(pids: Record<string, number | undefined>): CpuSnapshot {
  const byName: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) if (pid) byName[name] = cpuMs(pid);
  byName.postgres = postgresCpuMs();
  const self = process.cpuUsage();
  byName.bench = (self.user + self.system) / 1000;
  return { at: performance.now(), byName, machine: machineCpuMs() };
}

/** CPU used between two snapshots: ms per process, and as a share of one core. */
export function cpuDelta(a: CpuSnapshot, b: CpuSnapshot) {
  const wallMs = b.at - a.at;
  const per: Record<string, { ms: number; cores: number }> = {};
  for (const name of Object.keys(b.byName)) {
    const ms = (b.byName[name] ?? 0) - (a.byName[name] ?? 0);
    per[name] = { ms, cores: ms / wallMs };
  }
  const busy = b.machine.busy - a.machine.busy;
  const total = b.machine.total - a.machine.total;
  return { wallMs, per, machineBusy: total > 0 ? busy / total : 0 };
}

/** Several measured stretches as one: their times and CPU added up, each process's share over the whole. */
export function addCpuDeltas(ds: ReturnType<typeof cpuDelta>[]): ReturnType<typeof cpuDelta> {
  const wallMs = ds.reduce((a, d) => a + d.wallMs, 0);
  const per: Record<string, { ms: number; cores: number }> = {};
  for (const d of ds) for (const [name, v] of Object.entries(d.per)) per[name] = { ms: (per[name]?.ms ?? 0) + v.ms, cores: 0 };
  for (const v of Object.values(per)) v.cores = v.ms / wallMs;
  return { wallMs, per, machineBusy: ds.reduce((a, d) => a + d.machineBusy * d.wallMs, 0) / wallMs };
}

/** CPU of processes outside the benchmark's stack (other work on the machine), as a share of one core. */
export function othersCores(d: ReturnType<typeof cpuDelta>): number {
  const ours = Object.values(d.per).reduce((a, v) => a + v.cores, 0);
  return Math.max(0, d.machineBusy * os.cpus().length - ours);
}

export function formatCpu(d: ReturnType<typeof cpuDelta>): string {
  const order = ['worker', 'api', 'temporal', 'postgres', 'bench'];
  const parts = order.filter((n) => d.per[n]).map((n) => `${n} ${(d.per[n]!.cores * 100).toFixed(0)}%`);
  return `${parts.join(', ')}, other processes ${(othersCores(d) * 100).toFixed(0)}% (of one core); machine ${(d.machineBusy * 100).toFixed(0)}% busy`;
}
