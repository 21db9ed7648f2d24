/**
 * Minimal path globs for the device allowlist (`/dev/sd*`, `/dev/nvme?n1`,
 * `/dev/disk/by-path/pci-*`). Pure; no filesystem access.
 *
 * Syntax: `*` any run of characters except `/`, `**` any run including `/`,
 * `?` one character except `/`, `[abc]` / `[a-z]` / `[!abc]` one character of
 * (or not of) a set. Everything else is literal. Matching is case-sensitive
 * and anchored at both ends.
 */

/**
 * Compile a glob into an anchored regular expression.
 * @throws Error when a `[` set is not closed.
 */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern.charAt(i);
    if (c === '*') {
      if (pattern.charAt(i + 1) === '*') {
        out += '.*';
        i += 1;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) throw new Error(`Unclosed "[" in glob ${JSON.stringify(pattern)}`);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else {
      out += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

/** Whether `path` matches at least one of `patterns`. */
export function matchesAnyGlob(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => globToRegExp(p).test(path));
}
