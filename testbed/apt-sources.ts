/**
 * Finds the Debian mirror this machine's apt uses, so a test can debootstrap
 * from the same (reachable) mirror instead of a hard-coded host.
 * Understands both the one-line format (sources.list) and deb822 (*.sources).
 * Only reads /etc/apt: nothing here changes the machine's apt configuration.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One apt source: a `deb` URI and the suites it serves. */
export interface AptSource {
  uri: string;
  suites: string[];
}

/**
 * Parse one-line `deb [options] URI suite [components…]` entries.
 * `deb-src` lines, comments and blank lines are ignored.
 */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) sources.push({ uri: match[1], suites: [match[2]] });
  }
  return sources;
}

/**
 * Parse deb822 stanzas (`Types:`, `URIs:`, `Suites:`), keeping `deb` ones
 * that are not `Enabled: no`.
 */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue;
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (match?.[1] !== undefined && match[2] !== undefined) fields.set(match[1].toLowerCase(), match[2].trim());
    }
    const types = (fields.get('types') ?? '').split(/\s+/);
    if (!types.includes('deb') || fields.get('enabled') === 'no') continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter((s) => s !== '');
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter((u) => u !== '')) sources.push({ uri, suites });
  }
  return sources;
}

/**
 * The first mirror serving `suite` itself (not `-updates` or `-security`).
 * @returns the URI, or null when no source serves the suite
 */
export function findMirror(sources: readonly AptSource[], suite: string): string | null {
  const found = sources.find((s) => s.suites.includes(suite) && /^https?:\/\//.test(s.uri));
  return found === undefined ? null : found.uri;
}

/** Every apt source configured on this machine. */
export async function readAptSources(etcApt = '/etc/apt'): Promise<AptSource[]> {
  const sources: AptSource[] = [];
  const read = async (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');
  sources.push(...parseOneLineSources(await read(join(etcApt, 'sources.list'))));
  const entries = await readdir(join(etcApt, 'sources.list.d')).catch(() => [] as string[]);
  for (const name of entries.sort()) {
    const path = join(etcApt, 'sources.list.d', name);
    if (name.endsWith('.list')) sources.push(...parseOneLineSources(await read(path)));
    if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(await read(path)));
  }
  return sources;
}

/**
 * The Debian archive mirror to debootstrap `suite` from: one that serves
 * `suite` itself, else the one serving this machine's own release (a suite
 * name without a `-updates`/`-security` part). A Debian archive mirror
 * carries every release under `dists/`, so the mirror apt already uses
 * serves trixie and forky as well.
 * @returns the URI, or null when no http(s) source serves a Debian release
 */
export function findArchiveMirror(sources: readonly AptSource[], suite: string): string | null {
  const direct = findMirror(sources, suite);
  if (direct !== null) return direct;
  const found = sources.find((s) => /^https?:\/\//.test(s.uri) && s.suites.some((name) => /^[a-z]+$/.test(name)));
  return found === undefined ? null : found.uri;
}
