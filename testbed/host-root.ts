/**
 * A test "host root" for install_coreos: what the agent container sees at
 * `--root-mount` (/mnt/coreos) on a CoreOS live system, built from this host.
 *
 * `<dir>/root` is an overlay with the host `/` as the read-only lower layer
 * and a tmpfs upper layer (so nothing is written to the host, and the upper
 * layer does not sit inside the lower filesystem), plus bind mounts of /proc,
 * /sys and /dev, a fresh tmpfs /tmp and /run, and the coreos-installer test
 * double at usr/bin/coreos-installer. `chroot <dir>/root coreos-installer ...`
 * then behaves like on a live ISO, with the host's tools (sgdisk, mkfs, jq).
 * usr/bin/systemctl is a stand-in that only records power requests
 * (testbed/systemctl-double/systemctl), so the agent's `standby.power_off`
 * succeeds without addressing this machine's own systemd.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';

/** The double's source directory (entry script + lib/). */
export const INSTALLER_DOUBLE_DIR = fileURLToPath(new URL('./coreos-installer-double/', import.meta.url));

/** Where the double lives inside the host root. */
const DOUBLE_IN_ROOT = 'usr/lib/coreos-installer-double';

/** The systemctl stand-in (records power requests, touches nothing). */
export const SYSTEMCTL_DOUBLE = fileURLToPath(new URL('./systemctl-double/systemctl', import.meta.url));

/** Options of {@link createHostRoot}. */
export interface HostRootOptions {
  /** An empty directory owned by the test (name it with the test's tag). */
  dir: string;
  /** Runs mount/umount. Default: ExecaRunner. */
  runner?: Runner;
  /** Install the coreos-installer double. Default true (false to test a root without it). */
  withInstaller?: boolean;
}

/** A mounted test host root. */
export interface HostRoot {
  /** The root directory, usable as `--root-mount`. */
  readonly root: string;
  /** Write the double's control file (`fail_times`, `fail_always`, `fail_message`, `fail_stage`; an array is a repeated key: `fail_cause`). */
  setControl(values: Record<string, string | number | readonly string[]>): void;
  /** The double's recorded invocations (shell-quoted argv lines). */
  calls(): string[];
  /** Power requests the systemctl stand-in recorded (e.g. `poweroff --no-block`), oldest first. */
  powerRequests(): string[];
  /**
   * Add an osmet file so `--offline` works: the double's text format. `image`, an absolute
   * path inside the root (the host's paths are visible there), names the raw image the double
   * writes for it; without it the double writes its small synthetic metal image.
   */
  addOsmet(description?: string, sectorSize?: number, image?: string): void;
  /** Unmount everything and remove the directory. Idempotent; collects errors and throws them at the end. */
  destroy(): Promise<void>;
}

/**
 * Mount a host root under `<dir>/root`.
 * @throws Error when a mount fails (everything mounted so far is unmounted first)
 */
export async function createHostRoot(options: HostRootOptions): Promise<HostRoot> {
  const runner = options.runner ?? new ExecaRunner();
  const rw = join(options.dir, 'rw');
  const root = join(options.dir, 'root');
  mkdirSync(rw, { recursive: true });
  mkdirSync(root, { recursive: true });
  const mounted: string[] = [];
  const mount = async (argv: string[], target: string): Promise<void> => {
    await runner.run(['mount', ...argv, target]);
    mounted.push(target);
  };
  const destroy = async (): Promise<void> => {
    const errors: string[] = [];
    for (const target of mounted.splice(0).reverse()) {
      try {
        await runner.run(['umount', target]);
      } catch (error) {
        // A busy mount (e.g. a process still inside) is detached so the test can finish; report it anyway.
        errors.push(`umount ${target}: ${(error as Error).message}`);
        await runner.run(['umount', '--lazy', target]).catch(() => undefined);
      }
    }
    rmSync(options.dir, { recursive: true, force: true });
    if (errors.length > 0) throw new Error(`Host root cleanup problems: ${errors.join('; ')}`);
  };
  try {
    await mount(['-t', 'tmpfs', '-o', 'mode=0755', 'coreos-hostroot-rw'], rw);
    mkdirSync(join(rw, 'upper'));
    mkdirSync(join(rw, 'work'));
    await mount(['-t', 'overlay', '-o', `lowerdir=/,upperdir=${rw}/upper,workdir=${rw}/work`, 'coreos-hostroot'], root);
    await runner.run(['mount', '--make-rprivate', root]);
    for (const dir of ['proc', 'sys', 'dev']) await mount(['--bind', `/${dir}`], join(root, dir));
    await mount(['-t', 'tmpfs', '-o', 'mode=1777', 'coreos-hostroot-tmp'], join(root, 'tmp'));
    await mount(['-t', 'tmpfs', '-o', 'mode=0755', 'coreos-hostroot-run'], join(root, 'run'));
    if (options.withInstaller !== false) installDouble(root);
    installSystemctlDouble(root);
  } catch (error) {
    await destroy().catch(() => undefined);
    throw new Error(`Cannot build the test host root in ${options.dir}: ${(error as Error).message}`, { cause: error });
  }
  const runDir = join(root, 'run/coreos-installer-double');
  return {
    root,
    setControl(values) {
      mkdirSync(runDir, { recursive: true });
      const lines = Object.entries(values).flatMap(([k, v]) =>
        (Array.isArray(v) ? v : [v]).map((one) => `${k}=${String(one)}\n`),
      );
      writeFileSync(join(runDir, 'control'), lines.join(''));
    },
    calls: () => readLines(join(runDir, 'calls')),
    powerRequests: () => readLines(join(root, 'run/systemctl-double/requests')),
    addOsmet(description = 'Fedora CoreOS 40.20240416.3.1', sectorSize = 512, image?: string) {
      const dir = join(root, 'run/coreos-installer/osmet');
      mkdirSync(dir, { recursive: true });
      const imageLine = image === undefined ? '' : `image=${image}\n`;
      writeFileSync(
        join(dir, `fedora-coreos-x86_64.${sectorSize}.osmet`),
        `coreos-installer-double-osmet\narchitecture=x86_64\nsector-size=${sectorSize}\ndescription=${description}\n${imageLine}`,
      );
    },
    destroy,
  };
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}

function installSystemctlDouble(root: string): void {
  const target = join(root, 'usr/bin/systemctl');
  rmSync(target, { force: true });
  cpSync(SYSTEMCTL_DOUBLE, target);
}

function installDouble(root: string): void {
  const target = join(root, DOUBLE_IN_ROOT);
  cpSync(INSTALLER_DOUBLE_DIR, target, { recursive: true });
  rmSync(join(root, 'usr/bin/coreos-installer'), { force: true });
  symlinkSync(`/${DOUBLE_IN_ROOT}/coreos-installer`, join(root, 'usr/bin/coreos-installer'));
}
