/** Reads Prometheus text exposition: the value of one sample, found by name and labels. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of the samples named `name` whose labels include `labels` (0 when none). */
export function metric(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Whether any sample is named `name`. */
export const has = (samples: Sample[], name: string) => samples.some((s) => s.name === name);

async function scrapeText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`scrape ${url}: HTTP ${res.status}`);
  return res.text();
}

export async function scrape(url: string): Promise<Sample[]> {
  return parseMetrics(await scrapeText(url));
}

/** The metric families a scrape declares (its `# TYPE` lines), with or without samples yet. */
export async function scrapeFamilies(url: string): Promise<string[]> {
  return [...(await scrapeText(url)).matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!);
}
