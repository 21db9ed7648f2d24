/**
 * Debian roots holding a newer Ironic than the machine's (trixie's, forky's),
 * built once with debootstrap from the machine's own Debian mirror and cached,
 * and the command line that runs a program inside one (testbed/in-root.sh).
 *
 * A root's directory name carries a hash of its recipe (suite, packages, the
 * build script), so a changed recipe builds a new root instead of reusing a
 * stale one; two processes wanting the same root serialise on a lock file
 * (flock), and the second finds it built. Run this file to build roots ahead
 * of the tests (CI does): `tsx testbed/ironic-roots.ts trixie forky`.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';
import { findArchiveMirror, readAptSources } from './apt-sources.js';
import {
  IRONIC_SUITES,
  isIronicSuite,
  parseSuites,
  SUITE_PROFILES,
  SUITES_ENV,
  type IronicSuite,
} from './ironic-suites.js';

/** The script that builds a root (run under flock). */
export const BUILD_ROOT_SCRIPT = fileURLToPath(new URL('./build-root.sh', import.meta.url));

/** The script that runs a command chrooted into a root, in a private mount namespace. */
export const IN_ROOT_SCRIPT = fileURLToPath(new URL('./in-root.sh', import.meta.url));

/** Where roots are cached unless {@link ROOTS_DIR_ENV} says otherwise. */
export const DEFAULT_ROOTS_DIR = '/var/cache/ironic-coreos-agent/roots';

/** Environment variable overriding {@link DEFAULT_ROOTS_DIR}. */
export const ROOTS_DIR_ENV = 'ICA_IRONIC_ROOTS_DIR';

/** The file a complete root holds (written last by build-root.sh). */
export const READY_MARKER = '.ica-root-ready';

/** Upper bound of one build (debootstrap and apt-get from a remote mirror). */
const BUILD_TIMEOUT_MS = 60 * 60_000;

/** The roots directory in effect. */
export function rootsDirectory(): string {
  return process.env[ROOTS_DIR_ENV] ?? DEFAULT_ROOTS_DIR;
}

/** Hash of what goes into a suite's root: the suite, its packages and the build script. */
export function recipeHash(suite: IronicSuite, buildScript = readFileSync(BUILD_ROOT_SCRIPT, 'utf8')): string {
  const recipe = JSON.stringify({ suite, packages: SUITE_PROFILES[suite].packages, buildScript });
  return createHash('sha256').update(recipe).digest('hex').slice(0, 12);
}

/** `<roots dir>/<suite>-<recipe hash>`. */
export function rootPath(suite: IronicSuite, rootsDir = rootsDirectory()): string {
  return join(rootsDir, `${suite}-${recipeHash(suite)}`);
}

/** True when the root at `path` was built completely. */
export function isRootReady(path: string): boolean {
  return existsSync(join(path, READY_MARKER));
}

/**
 * Why the root of `suite` can be neither used nor built here, or undefined.
 * bookworm needs no root (the machine's packages are used).
 */
export async function rootUnavailableReason(
  suite: IronicSuite,
  rootsDir = rootsDirectory(),
): Promise<string | undefined> {
  if (SUITE_PROFILES[suite].fromHost || isRootReady(rootPath(suite, rootsDir))) return undefined;
  if (process.getuid?.() !== 0)
    return `the ${suite} Ironic root is not built yet and building it needs root (debootstrap, chroot)`;
  if (!isExecutable('/usr/sbin/debootstrap'))
    return `the ${suite} Ironic root is not built yet and debootstrap is missing: apt-get install debootstrap`;
  if (findArchiveMirror(await readAptSources(), suite) === null) {
    return `the ${suite} Ironic root is not built yet and /etc/apt/sources.list(.d) names no http(s) Debian mirror to debootstrap from`;
  }
  return undefined;
}

/** Options of {@link ensureIronicRoot}. */
export interface EnsureRootOptions {
  runner?: Runner;
  rootsDir?: string;
  /** Receives each line of the build's output (it is also kept in `<root>.log`). */
  onLine?: (line: string) => void;
}

/**
 * The path of the suite's root, building it first when it is not cached.
 * Concurrent callers (other test processes too) wait for one build.
 * @throws Error when the suite has no root (bookworm), when it cannot be built
 *   here, or when the build fails (with the end of its log).
 */
export async function ensureIronicRoot(suite: IronicSuite, options: EnsureRootOptions = {}): Promise<string> {
  const profile = SUITE_PROFILES[suite];
  if (profile.fromHost) throw new Error(`Ironic from ${suite} runs from the machine's own packages, not from a root`);
  const rootsDir = options.rootsDir ?? rootsDirectory();
  const path = rootPath(suite, rootsDir);
  if (isRootReady(path)) return path;
  const reason = await rootUnavailableReason(suite, rootsDir);
  if (reason !== undefined) throw new Error(`Cannot build the ${suite} Ironic root: ${reason}`);
  const mirror = findArchiveMirror(await readAptSources(), suite) ?? '';
  mkdirSync(rootsDir, { recursive: true, mode: 0o755 });
  const logFile = `${path}.log`;
  const lines: string[] = [];
  const argv = [
    'flock',
    '-w',
    String(BUILD_TIMEOUT_MS / 1000),
    `${path}.lock`,
    'bash',
    BUILD_ROOT_SCRIPT,
    suite,
    path,
    mirror,
    ...profile.packages,
  ];
  const result = await (options.runner ?? new ExecaRunner()).run(argv, {
    timeoutMs: BUILD_TIMEOUT_MS,
    okExitCodes: Array.from({ length: 256 }, (_, i) => i),
    onLine: (line) => {
      lines.push(line);
      options.onLine?.(line);
    },
  });
  writeFileSync(logFile, `$ ${argv.join(' ')}\n${lines.join('\n')}\n`, { flag: 'a' });
  if (result.exitCode !== 0 || !isRootReady(path)) {
    throw new Error(
      `Building the ${suite} Ironic root failed (exit code ${String(result.exitCode)}); see ${logFile}:\n${lines.slice(-25).join('\n')}`,
    );
  }
  return path;
}

/**
 * The command line running `argv` inside `root` (testbed/in-root.sh): the
 * machine's network, `/tmp` and `/var/tmp`, and each of `binds` at its own path.
 * Directories under /tmp or /var/tmp need no bind of their own.
 * @throws Error when argv is empty.
 */
export function inRootArgv(root: string, binds: readonly string[], argv: readonly string[]): string[] {
  if (argv.length === 0) throw new Error('inRootArgv: no command to run');
  const own = binds.filter(
    (dir) => !['/tmp', '/var/tmp'].some((shared) => dir === shared || dir.startsWith(`${shared}/`)),
  );
  return ['/bin/bash', IN_ROOT_SCRIPT, root, ...own.flatMap((dir) => ['--bind', dir]), '--', ...argv];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `tsx testbed/ironic-roots.ts [SUITE...]`: build (or find) the roots, e.g. in
 * CI before the tests, in parallel. Without arguments: the suites of
 * ICA_IRONIC_SUITES that need a root. The build output goes to `<root>.log`.
 */
async function main(args: readonly string[]): Promise<void> {
  const wanted = args.length === 0 ? parseSuites(process.env[SUITES_ENV]) : args;
  const suites: IronicSuite[] = [];
  for (const name of wanted) {
    if (!isIronicSuite(name))
      throw new Error(
        `No Ironic root for "${name}": choose from ${IRONIC_SUITES.filter((s) => !SUITE_PROFILES[s].fromHost).join(', ')}`,
      );
    if (!SUITE_PROFILES[name].fromHost) suites.push(name);
  }
  await Promise.all(
    suites.map(async (suite) => {
      const started = Date.now();
      const cached = isRootReady(rootPath(suite));
      if (!cached) console.log(`[${suite}] building ${rootPath(suite)} (output in ${rootPath(suite)}.log)`);
      const path = await ensureIronicRoot(suite);
      const how = cached ? 'cached' : `built in ${((Date.now() - started) / 1000).toFixed(0)} s`;
      const marker = readFileSync(join(path, READY_MARKER), 'utf8');
      const version =
        marker
          .split('\n')
          .find((l) => l.trim().startsWith('python3-ironic '))
          ?.trim() ?? '';
      const timings = cached
        ? ''
        : ` (${['debootstrap_seconds', 'install_seconds'].map((k) => marker.split('\n').find((l) => l.startsWith(k)) ?? '').join(', ')})`;
      console.log(`[${suite}] ${path}: ${how}${timings}; ${version}`);
    }),
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
