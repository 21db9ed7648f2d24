/**
 * The extra-hardware fact list: hardware-detect's flat
 * `[category, item, key, value]` entries (redhat-cip/hardware
 * hardware/detect.py), which ironic-inspector's and Ironic's
 * `extra_hardware` hooks turn into `extra[category][item][key] = value`.
 */

/** One fact. Values are strings or numbers, as hardware-detect prints them. */
export type Fact = [category: string, item: string, key: string, value: string | number];

/** An ordered list of facts that can fill in only what is still missing. */
export class FactList {
  private readonly facts: Fact[] = [];
  private readonly keys = new Set<string>();

  /** Append facts as they are (several sources may repeat a key; the hooks keep the last). */
  add(facts: readonly Fact[]): void {
    for (const fact of facts) {
      this.facts.push(fact);
      this.keys.add(keyOf(fact));
    }
  }

  /** Append only the facts whose category/item/key is not present yet (fallback sources). */
  addMissing(facts: readonly Fact[]): void {
    this.add(facts.filter((fact) => !this.keys.has(keyOf(fact))));
  }

  /** Whether a category/item/key is present. */
  has(category: string, item: string, key: string): boolean {
    return this.keys.has(keyOf([category, item, key, '']));
  }

  /** The facts in order. */
  list(): Fact[] {
    return this.facts.map((f) => [...f] as Fact);
  }
}

function keyOf(fact: Fact): string {
  return JSON.stringify(fact.slice(0, 3));
}

/** Parse `Key: value` lines into a map (keys and values trimmed; the first colon splits). */
export function colonMap(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return out;
}

/** A decimal integer, or null. */
export function toInt(text: string | undefined): number | null {
  return text !== undefined && /^-?\d+$/.test(text.trim()) ? Number.parseInt(text, 10) : null;
}
