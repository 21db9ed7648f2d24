/**
 * What the image ships and why, read from the Dockerfile and
 * container/README.md, and which commands the agent's code runs, read from
 * its argv literals. Tests compare the three.
 */
import { readdir, readFile } from 'node:fs/promises';
import { NAMESPACE_COMMANDS } from '../../reprovision/namespace.js';
import { SWITCH_SCRIPT_COMMANDS } from '../../reprovision/scripts/switch-script.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One row of the README's "Runtime contents" table. */
export interface ShippedPackage {
  name: string;
  commands: string[];
  why: string;
}

/** The Debian packages the tools stage installs (its first `apt-get install`, one package list per line). */
export async function dockerfileRuntimePackages(): Promise<string[]> {
  const text = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
  const stage = text.indexOf(' AS tools');
  if (stage < 0) throw new Error('the Dockerfile has no `AS tools` stage');
  const start = text.indexOf('apt-get install -y --no-install-recommends', stage);
  const block = text.slice(start).split('\n').slice(1);
  const packages: string[] = [];
  for (const line of block) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('&&')) break;
    packages.push(
      ...trimmed
        .replace(/\\$/, '')
        .split(/\s+/)
        .filter((p) => p !== ''),
    );
  }
  return packages;
}

/** The commands the Dockerfile copies into the image (the arguments of `runtime-root.sh /rootfs`). */
export async function dockerfileRuntimeCommands(): Promise<string[]> {
  const text = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
  const start = text.indexOf('RUN runtime-root.sh /rootfs');
  if (start < 0) throw new Error('the Dockerfile has no `RUN runtime-root.sh /rootfs` step');
  const commands: string[] = [];
  for (const line of text.slice(start).split('\n')) {
    commands.push(
      ...line
        .replace(/\\$/, '')
        .split(/\s+/)
        .filter((w) => /^[a-z][a-z0-9_.+-]*$/.test(w)),
    );
    if (!line.trimEnd().endsWith('\\')) break;
  }
  return commands.filter((c) => c !== 'runtime-root.sh');
}

/** What the Dockerfile adds with `--build-arg BURNIN=true`: the packages it installs and the commands it copies. */
export async function dockerfileBurnin(): Promise<{ packages: string[]; commands: string[] }> {
  const text = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
  const start = text.indexOf('RUN case "$BURNIN" in');
  if (start < 0) throw new Error('the Dockerfile has no `RUN case "$BURNIN" in` step');
  const block = text.slice(start, text.indexOf('esac', start));
  const words = (pattern: RegExp): string[] => (pattern.exec(block)?.[1] ?? '').split(/\s+/).filter((w) => w !== '');
  return {
    packages: words(/apt-get install -y --no-install-recommends ([^\\\n]+)/),
    commands: words(/runtime-root\.sh \/rootfs ([^;\n]+);;/),
  };
}

/** The body rows of the markdown table whose header line starts with `heading`, as cell lists. */
function tableAfter(text: string, heading: string): string[][] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(heading));
  if (at < 0) throw new Error(`container/README.md has no line starting with "${heading}"`);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of lines.slice(at)) {
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  return rows.slice(2);
}

/** Backticked words of a cell. */
function codeWords(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
}

/** The README's table of shipped packages, the commands the agent runs from each, and why. */
export async function readmeShippedPackages(): Promise<ShippedPackage[]> {
  const text = await readFile(join(ROOT, 'container', 'README.md'), 'utf8');
  return tableAfter(text, '| package | commands the agent runs |').map(([name = '', commands = '', why = '']) => ({
    name: codeWords(name)[0] ?? name,
    commands: codeWords(commands),
    why,
  }));
}

/** The README's table of what `--build-arg BURNIN=true` adds. */
export async function readmeBurninPackages(): Promise<ShippedPackage[]> {
  const text = await readFile(join(ROOT, 'container', 'README.md'), 'utf8');
  return tableAfter(text, '| burn-in package | commands the agent runs |').map(
    ([name = '', commands = '', why = '']) => ({
      name: codeWords(name)[0] ?? name,
      commands: codeWords(commands),
      why,
    }),
  );
}

/**
 * The executables on the PATH of an image built from the README's tables: the
 * commands of its packages (with `burnin`, those of the burn-in table too),
 * gzip and sh (for tar -z) and node, sorted, without repeats.
 */
export async function imageCommands(options: { burnin: boolean }): Promise<string[]> {
  const packages = [...(await readmeShippedPackages()), ...(options.burnin ? await readmeBurninPackages() : [])];
  return [...new Set([...packages.flatMap((p) => p.commands), 'gzip', 'sh', 'node'])].sort();
}

/** Commands the README says the agent runs but the image does not ship. */
export async function readmeNotShipped(): Promise<string[]> {
  const text = await readFile(join(ROOT, 'container', 'README.md'), 'utf8');
  return tableAfter(text, '| command | why not |').flatMap(([commands = '']) => codeWords(commands));
}

/**
 * The commands the agent's code runs directly: argv array literals starting
 * with a command name (`run(['lsblk', ...])`, `argv: ['dmesg']`,
 * `[['dd', ...]]`, `readNumber(deps, ['blockdev', ...])`). Commands run through
 * `chroot <root> cmd` count as `chroot`.
 */
export async function commandsInCode(): Promise<Map<string, string[]>> {
  const argvLiteral =
    /(?:\.run\w*\(\s*|readNumber\(\s*\w+\s*,\s*|argv:\s*|argv\s*=\s*|push\(\s*|(?<!Map\(\s*)\[\s*)\[\s*'([a-z][a-z0-9_.+-]*)'\s*[,\]]/g;
  const found = new Map<string, string[]>();
  // The reprovision wing's shell scripts run these when it runs in the image (reprovision/scripts, namespace.ts).
  for (const [file, commands] of [
    ['/reprovision/scripts/switch-script.ts', SWITCH_SCRIPT_COMMANDS],
    ['/reprovision/namespace.ts', NAMESPACE_COMMANDS],
  ] as const) {
    for (const command of commands) found.set(command, [...(found.get(command) ?? []), file]);
  }
  for (const file of [...(await tsFiles(join(ROOT, 'agent'))), ...(await tsFiles(join(ROOT, 'reprovision')))]) {
    // extra-hardware builds [category, item, key, value] fact tuples, which look like argv literals but are data.
    if (file.includes('/inspection/collectors/extra-hardware/')) continue;
    for (const match of (await readFile(file, 'utf8')).matchAll(argvLiteral)) {
      const command = match[1] ?? '';
      found.set(command, [...(found.get(command) ?? []), file.slice(ROOT.length)]);
    }
  }
  return found;
}

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await tsFiles(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}
