/** The package version, read from package.json (works from `common/cli/` and from `dist/common/cli/`). */
import { readFile } from 'node:fs/promises';

/** The `version` field of package.json, or 0.0.0 when it cannot be read. */
export async function packageVersion(): Promise<string> {
  for (const candidate of [
    new URL('../../package.json', import.meta.url),
    new URL('../../../package.json', import.meta.url),
  ]) {
    try {
      const pkg = JSON.parse(await readFile(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ironic-coreos-agent' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next location (dist/common/cli vs common/cli)
    }
  }
  return '0.0.0';
}
