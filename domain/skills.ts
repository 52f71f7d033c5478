/** Skill names compare case- and space-insensitively: "Node.js", "node.js " and "NODE.JS" are one skill. */
export function normalizeSkill(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** A lookup of a record's entries by normalised key (first entry wins). */
export function byNormalizedKey<T>(record: Record<string, T>): Map<string, T> {
  const map = new Map<string, T>();
  for (const [k, v] of Object.entries(record)) {
    const key = normalizeSkill(k);
    if (!map.has(key)) map.set(key, v);
  }
  return map;
}
