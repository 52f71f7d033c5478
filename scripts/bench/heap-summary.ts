/**
 * What a worker's heap snapshot holds, per cached workflow: reads a .heapsnapshot (the memory
 * phase writes one with BENCH_HEAP_SNAPSHOT_DIR and BENCH_WORKER_DEBUG_MODE=1, so the
 * workflows are in it), builds the dominator tree and prints
 *   - the retained size of each workflow's activator (the SDK's per-workflow object: its
 *     module cache, state, timers, handlers) and of each workflow's copy of the globals;
 *   - within one activator, the retained size of each module instance in its module cache
 *     (which bundle modules every cached workflow instantiates again, and their cost);
 *   - the largest strings and what holds them (the bundle's text, once per copy);
 *   - the heap's self size by constructor, divided by the number of workflows.
 *
 *   npx tsx scripts/bench/heap-summary.ts <file.heapsnapshot> [top=25]
 *
 * No library: the snapshot format is V8's (nodes, edges and strings as flat arrays, the
 * field layout in snapshot.meta), read in one pass, dominators by Cooper, Harvey and
 * Kennedy's iterative algorithm over a reverse post-order.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] }; node_count: number };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface Heap {
  count: number;
  type: (n: number) => string;
  name: (n: number) => string;
  selfSize: Float64Array;
  /** Outgoing edges of n: [firstEdge, endEdge) into edgeType/edgeName/edgeTo. */
  firstEdge: Uint32Array;
  edgeType: (e: number) => string;
  edgeName: (e: number) => string;
  edgeTo: Uint32Array;
  retained: Float64Array;
  idom: Int32Array;
}

export function loadHeap(file: string): Heap {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const nodeTypes = s.snapshot.meta.node_types[0];
  const edgeTypes = s.snapshot.meta.edge_types[0];
  const NF = nf.length;
  const EF = ef.length;
  const count = s.nodes.length / NF;
  const iType = nf.indexOf('type');
  const iName = nf.indexOf('name');
  const iSize = nf.indexOf('self_size');
  const iEdges = nf.indexOf('edge_count');
  const eType = ef.indexOf('type');
  const eName = ef.indexOf('name_or_index');
  const eTo = ef.indexOf('to_node');
  const selfSize = new Float64Array(count);
  const firstEdge = new Uint32Array(count + 1);
  let e = 0;
  for (let n = 0; n < count; n++) {
    selfSize[n] = s.nodes[n * NF + iSize]!;
    firstEdge[n] = e;
    e += s.nodes[n * NF + iEdges]!;
  }
  firstEdge[count] = e;
  const edgeCount = s.edges.length / EF;
  const edgeTo = new Uint32Array(edgeCount);
  for (let i = 0; i < edgeCount; i++) edgeTo[i] = s.edges[i * EF + eTo]! / NF;
  const weak = edgeTypes.indexOf('weak');
  const isWeak = (i: number) => s.edges[i * EF + eType] === weak;

  // Reverse post-order from the root (node 0), ignoring weak edges.
  const order = new Int32Array(count).fill(-1);
  const post: number[] = [];
  const stack: number[] = [0];
  const iter = new Uint32Array(count);
  const seen = new Uint8Array(count);
  seen[0] = 1;
  iter[0] = firstEdge[0]!;
  while (stack.length) {
    const n = stack[stack.length - 1]!;
    if (iter[n]! < firstEdge[n + 1]!) {
      const i = iter[n]!++;
      if (isWeak(i)) continue;
      const m = edgeTo[i]!;
      if (!seen[m]) {
        seen[m] = 1;
        iter[m] = firstEdge[m]!;
        stack.push(m);
      }
    } else {
      stack.pop();
      order[n] = post.length;
      post.push(n);
    }
  }
  // Predecessors (non-weak), for reachable nodes only.
  const predCount = new Uint32Array(count + 1);
  for (let n = 0; n < count; n++) {
    if (!seen[n]) continue;
    for (let i = firstEdge[n]!; i < firstEdge[n + 1]!; i++) if (!isWeak(i)) predCount[edgeTo[i]!]!++;
  }
  const predStart = new Uint32Array(count + 1);
  for (let n = 0; n < count; n++) predStart[n + 1] = predStart[n]! + predCount[n]!;
  const preds = new Uint32Array(predStart[count]!);
  const fill = predStart.slice();
  for (let n = 0; n < count; n++) {
    if (!seen[n]) continue;
    for (let i = firstEdge[n]!; i < firstEdge[n + 1]!; i++) if (!isWeak(i)) preds[fill[edgeTo[i]!]!++] = n;
  }
  const idom = new Int32Array(count).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (order[a]! < order[b]!) a = idom[a]!;
      while (order[b]! < order[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = post.length - 2; k >= 0; k--) {
      const n = post[k]!;
      let d = -1;
      for (let j = predStart[n]!; j < predStart[n + 1]!; j++) {
        const p = preds[j]!;
        if (idom[p] === -1) continue;
        d = d === -1 ? p : intersect(p, d);
      }
      if (d !== -1 && idom[n] !== d) {
        idom[n] = d;
        changed = true;
      }
    }
  }
  const retained = Float64Array.from(selfSize);
  for (const n of post) if (n !== 0 && idom[n]! >= 0) retained[idom[n]!]! += retained[n]!;
  for (let n = 0; n < count; n++) if (!seen[n]) retained[n] = 0;
  return {
    count,
    type: (n) => nodeTypes[s.nodes[n * NF + iType]!]!,
    name: (n) => s.strings[s.nodes[n * NF + iName]!]!,
    selfSize,
    firstEdge,
    edgeType: (i) => edgeTypes[s.edges[i * EF + eType]!]!,
    edgeName: (i) => {
      const v = s.edges[i * EF + eName]!;
      const t = edgeTypes[s.edges[i * EF + eType]!];
      return t === 'element' || t === 'hidden' ? String(v) : s.strings[v]!;
    },
    edgeTo,
    retained,
    idom,
  };
}

/** The node an edge named `name` leads to from n, if any. */
export function child(h: Heap, n: number, name: string): number | undefined {
  for (let i = h.firstEdge[n]!; i < h.firstEdge[n + 1]!; i++) if (h.edgeName(i) === name) return h.edgeTo[i];
  return undefined;
}

/** The entries of a JS Map node: key string -> value node (V8 keeps them in its hidden "table"). */
export function mapEntries(h: Heap, map: number): Map<string, number> {
  const out = new Map<string, number>();
  const table = child(h, map, 'table');
  if (table === undefined) return out;
  const kids: number[] = [];
  for (let i = h.firstEdge[table]!; i < h.firstEdge[table + 1]!; i++) kids.push(h.edgeTo[i]!);
  // OrderedHashMap: a header, then (key, value, chain) triples; the keys are strings here.
  for (let i = 0; i + 1 < kids.length; i++) {
    const k = kids[i]!;
    if (h.type(k) === 'string' && /\.(ts|js|cjs)$|^\.\/|node_modules/.test(h.name(k))) out.set(h.name(k), kids[i + 1]!);
  }
  return out;
}

const mib = (b: number) => (b / 1048576).toFixed(1);
const kib = (b: number) => (b / 1024).toFixed(1);

function main(file: string, top: number) {
  const h = loadHeap(file);
  const activators: number[] = [];
  const bags: number[] = [];
  let total = 0;
  for (let n = 0; n < h.count; n++) {
    total += h.selfSize[n]!;
    if (h.type(n) === 'object' && h.name(n) === 'Activator') activators.push(n);
    if (h.type(n) === 'object' && h.name(n) === 'Object' && child(h, n, 'bag') !== undefined) bags.push(n);
  }
  const W = activators.length;
  console.log(`${file}: ${h.count} nodes, ${mib(total)} MiB of self size; ${W} workflow activators`);
  if (!W) return;
  const ret = activators.map((a) => h.retained[a]!).sort((a, b) => a - b);
  const sum = ret.reduce((a, b) => a + b, 0);
  console.log(`activator retained size: total ${mib(sum)} MiB, median ${kib(ret[W >> 1]!)} KiB, max ${kib(ret[W - 1]!)} KiB`);
  const bagSizes = bags.map((b) => h.retained[child(h, b, 'bag')!]!).filter((x) => x > 0);
  if (bagSizes.length) console.log(`globals copies (holder.bag): ${bagSizes.length}, total ${mib(bagSizes.reduce((a, b) => a + b, 0))} MiB`);

  // One activator in detail: what its edges retain, and each module in its module cache.
  const a = activators[W >> 1]!;
  const parts: [string, number][] = [];
  for (let i = h.firstEdge[a]!; i < h.firstEdge[a + 1]!; i++) parts.push([h.edgeName(i), h.retained[h.edgeTo[i]!]!]);
  parts.sort((x, y) => y[1] - x[1]);
  console.log(`\none activator (${kib(h.retained[a]!)} KiB retained), by field:`);
  for (const [k, v] of parts.slice(0, top)) console.log(`  ${kib(v).padStart(8)} KiB  ${k}`);
  const cache = child(h, a, 'moduleCache');
  if (cache !== undefined) {
    const mods = [...mapEntries(h, cache)].map(([k, v]) => [k, h.retained[v]!] as const).sort((x, y) => y[1] - x[1]);
    console.log(`\nits module cache: ${mods.length} modules, ${kib(mods.reduce((s, [, v]) => s + v, 0))} KiB retained by their module objects:`);
    for (const [k, v] of mods.slice(0, top)) console.log(`  ${kib(v).padStart(8)} KiB  ${k}`);
  }

  // The largest strings, with what holds them: the workflow bundle's text shows up here once
  // per copy the worker keeps (two bytes a character when one character is beyond Latin-1).
  const strings: number[] = [];
  for (let n = 0; n < h.count; n++) if (h.type(n) === 'string' && h.selfSize[n]! > 256 * 1024) strings.push(n);
  strings.sort((x, y) => h.selfSize[y]! - h.selfSize[x]!);
  console.log('\nstrings over 256 KiB, with their dominators:');
  for (const n of strings.slice(0, top)) {
    const holders: string[] = [];
    for (let d = h.idom[n]!, i = 0; i < 4 && d > 0; d = h.idom[d]!, i++) holders.push(`${h.type(d)} ${h.name(d).slice(0, 40)}`);
    console.log(`  ${kib(h.selfSize[n]!).padStart(8)} KiB  ${JSON.stringify(h.name(n).slice(0, 40))} <- ${holders.join(' <- ') || '(root)'}`);
  }

  // Self size by constructor, over the whole heap, per workflow.
  const by = new Map<string, { n: number; size: number }>();
  for (let n = 0; n < h.count; n++) {
    const key = `${h.type(n)}:${h.type(n) === 'object' || h.type(n) === 'closure' || h.type(n) === 'hidden' || h.type(n) === 'code' || h.type(n) === 'array' ? h.name(n).slice(0, 60) : ''}`;
    const b = by.get(key) ?? { n: 0, size: 0 };
    b.n++;
    b.size += h.selfSize[n]!;
    by.set(key, b);
  }
  console.log(`\nself size by constructor (whole heap), and per workflow (÷ ${W}):`);
  for (const [k, v] of [...by].sort((x, y) => y[1].size - x[1].size).slice(0, top)) {
    console.log(`  ${mib(v.size).padStart(7)} MiB ${String(v.n).padStart(8)} objects  ${kib(v.size / W).padStart(7)} KiB/wf  ${k}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx scripts/bench/heap-summary.ts <file.heapsnapshot> [top=25]');
    process.exit(2);
  }
  main(file, Number(top ?? 25));
}
