/**
 * Value checks of the Ignition validator (pure): paths, modes, hashes,
 * systemd unit names and unit file syntax. Written from the observed verdicts
 * of `ignition-validate` 2.14; the messages are ours.
 */

/** Go's path.Clean for an absolute path. */
export function cleanPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** Go's path.Join(a, b), cleaned. */
export function joinPath(a: string, b: string): string {
  return cleanPath(`${a}/${b}`);
}

/** Check a node path: required, absolute, already simplified. Null when fine. */
export function checkPath(path: string): string | null {
  if (path === '') return 'path not specified';
  if (!path.startsWith('/')) return 'path not absolute';
  if (cleanPath(path) !== path) return 'path is not fully simplified (no trailing "/", "//", "." or "..")';
  return null;
}

/** Mode problems: an error for values outside 0..07777, a warning for special bits before spec 3.4. */
export function checkMode(mode: number, minor: number): { error?: string; warning?: string } {
  const result: { error?: string; warning?: string } = {};
  if (mode < 0 || mode > 0o7777) result.error = 'illegal file mode (must be between 0 and 07777, in decimal in JSON)';
  if (minor < 4 && ((mode >>> 0) & 0o7000) !== 0) {
    result.warning = 'setuid/setgid/sticky bits are ignored by spec versions older than 3.4.0';
  }
  return result;
}

/** Check `verification.hash` (`sha512-<hex>`, or `sha256-<hex>` from spec 3.1). Null when fine. */
export function checkHash(hash: string, minor: number): string | null {
  const dash = hash.indexOf('-');
  if (dash < 0) return 'malformed hash specifier (expected <function>-<hex digest>)';
  const lengths: Record<string, number> = minor >= 1 ? { sha512: 128, sha256: 64 } : { sha512: 128 };
  const expected = lengths[hash.slice(0, dash)];
  if (expected === undefined) return `unrecognized hash function (use ${Object.keys(lengths).join(' or ')})`;
  return hash.length - dash - 1 === expected ? null : 'incorrect size for hash sum';
}

const UNIT_EXTENSIONS = new Set([
  '.service',
  '.socket',
  '.device',
  '.mount',
  '.automount',
  '.swap',
  '.target',
  '.path',
  '.timer',
  '.snapshot',
  '.slice',
  '.scope',
]);

/** Go's path.Ext: the suffix from the last dot of the last element. */
function extension(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot);
}

/** Check a systemd unit name's extension. Null when fine. */
export function checkUnitName(name: string): string | null {
  return UNIT_EXTENSIONS.has(extension(name)) ? null : 'invalid systemd unit extension';
}

/** Check a drop-in name (must end in `.conf`). Null when fine. */
export function checkDropinName(name: string): string | null {
  return extension(name) === '.conf' ? null : 'invalid systemd drop-in extension (must end in .conf)';
}

/** systemd's line limit, as enforced by Ignition's unit parser. */
const LINE_MAX = 2048;

/**
 * Parse unit file text the way Ignition's unit lexer does.
 * @returns the section of every option found (for the `[Install]` check), or the syntax error
 */
export function parseUnitSections(text: string): { sections: string[] } | { error: string } {
  const sections: string[] = [];
  let i = 0;
  let section: string | null = null;
  const toEol = (): string => {
    const nl = text.indexOf('\n', i);
    const line = nl < 0 ? text.slice(i) : text.slice(i, nl);
    i = nl < 0 ? text.length : nl + 1;
    return line;
  };
  const skipCommentLine = (): void => {
    for (;;) {
      const eof = text.indexOf('\n', i) < 0;
      const line = toEol().replace(/ $/, '');
      if (!line.endsWith('\\') || eof) return;
    }
  };
  while (i < text.length) {
    if (text.length - i >= LINE_MAX && !/[\r\n]/.test(text.slice(i, i + LINE_MAX)))
      return { error: `line too long (max ${LINE_MAX} bytes)` };
    const c = text[i] ?? '';
    i += 1;
    if (c === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) return { error: 'unable to find end of section' };
      section = text.slice(i, close);
      i = close + 1;
      if (toEol().trim() !== '') return { error: `found garbage after section name ${section}` };
    } else if (c === '#' || c === ';') {
      skipCommentLine();
    } else if (section !== null && !/\s/.test(c)) {
      const option = readOption(text, i - 1);
      if (typeof option === 'string') return { error: option };
      i = option.next;
      sections.push(section);
    }
  }
  return { sections };
}

/** Read `Name=value` (with backslash continuations) starting at `start`. */
function readOption(text: string, start: number): { next: number } | string {
  let i = start;
  for (;;) {
    if (i >= text.length) return 'EOF';
    const c = text[i];
    i += 1;
    if (c === '\n' || c === '\r') return 'unexpected newline encountered while parsing option name';
    if (c === '=') break;
  }
  for (;;) {
    const nl = text.indexOf('\n', i);
    // Like Go's toEOL: a CR survives before LF, and is dropped only at end of text.
    const line = nl < 0 ? text.slice(i).replace(/\r$/, '') : text.slice(i, nl);
    i = nl < 0 ? text.length : nl + 1;
    if (line.trim() === '' || !line.endsWith('\\') || nl < 0) return { next: i };
  }
}
