/**
 * The ostree commands `reprovision` runs, as argv (pure) and through the
 * Runner. The node's own ostree is used: on a booted node it is `ostree`
 * (or `chroot <root> ostree` from the agent's container, as install_coreos runs
 * the host's coreos-installer), so its version always matches the sysroot.
 * `admin set-default` is required (ostreedev/ostree#2966, in releases since August 2023; Fedora CoreOS has
 * it): it is what makes a prepared deployment the default in one step.
 */
import type { Runner } from '../../common/exec/runner.js';
import { ReprovisionError } from '../errors.js';

/** How to run ostree for one target. */
export interface OstreeInvocation {
  /** The program and its leading arguments (`['ostree']`, `['chroot', '/mnt/host', 'ostree']`). */
  readonly argv: readonly string[];
  /** `--sysroot=<path>` for a sysroot that is not booted; null on the booted one. */
  readonly sysroot: string | null;
  /** A path of ours as the program sees it (identity unless it runs chrooted). */
  readonly mapPath: (path: string) => string;
}

/** What a new deployment is made of. */
export interface DeploySpec {
  readonly stateroot: string;
  /** The commit checksum to deploy (the original deployment's). */
  readonly checksum: string;
  /** Every argument, in order (`--karg-append` keeps duplicates such as two `console=`). */
  readonly kargs: readonly string[];
  /** The original deployment's `.origin` file, so updates keep following the same ref. */
  readonly originFile: string;
}

/** argv of `admin deploy` for a deployment that is NOT the default yet, with a fresh /etc from /usr/etc. */
export function deployArgv(ostree: OstreeInvocation, spec: DeploySpec): string[] {
  return [
    ...adminArgv(ostree, 'deploy'),
    `--os=${spec.stateroot}`,
    '--not-as-default',
    '--retain',
    '--no-merge',
    '--karg-none',
    ...spec.kargs.map((karg) => `--karg-append=${karg}`),
    `--origin-file=${ostree.mapPath(spec.originFile)}`,
    spec.checksum,
  ];
}

/** argv of `admin set-default INDEX`. */
export function setDefaultArgv(ostree: OstreeInvocation, index: number): string[] {
  return [...adminArgv(ostree, 'set-default'), String(index)];
}

/** argv of `admin undeploy INDEX`. */
export function undeployArgv(ostree: OstreeInvocation, index: number): string[] {
  return [...adminArgv(ostree, 'undeploy'), String(index)];
}

function adminArgv(ostree: OstreeInvocation, verb: string): string[] {
  return [
    ...ostree.argv,
    'admin',
    verb,
    ...(ostree.sysroot === null ? [] : [`--sysroot=${ostree.mapPath(ostree.sysroot)}`]),
  ];
}

/** Runs the commands above; failures carry ostree's own message as the cause. */
export class Ostree {
  constructor(
    private readonly runner: Runner,
    readonly invocation: OstreeInvocation,
  ) {}

  /** @throws ReprovisionError when this ostree has no `admin set-default` */
  async requireSetDefault(): Promise<void> {
    const argv = [...this.invocation.argv, 'admin', 'set-default', '--help'];
    const result = await this.runner.run(argv, { okExitCodes: [0, 1] }).catch((error: unknown) => {
      throw new ReprovisionError(
        `ostree cannot be run (${argv.join(' ')})`,
        'Run this on a Fedora CoreOS node, or pass --ostree',
        {
          cause: error,
        },
      );
    });
    // An ostree without the verb does not fail: `admin <unknown> --help` prints admin's own usage and exits 0
    // (Debian 12's 2022.7 does), so the usage must be set-default's own.
    if (result.exitCode !== 0 || !/\bostree admin set-default\b/.test(result.stdout + result.stderr)) {
      throw new ReprovisionError(
        `this ostree has no \`admin set-default\` (${argv.join(' ')} does not describe it)`,
        'Reprovisioning needs an ostree released since August 2023 (every current Fedora CoreOS has one); point --ostree at a newer one. Nothing was changed',
      );
    }
  }

  async deploy(spec: DeploySpec): Promise<void> {
    await this.run(deployArgv(this.invocation, spec), 'creating the new deployment');
  }

  async setDefault(index: number): Promise<void> {
    await this.run(setDefaultArgv(this.invocation, index), `making deployment ${index} the default`);
  }

  async undeploy(index: number): Promise<void> {
    await this.run(undeployArgv(this.invocation, index), `removing deployment ${index}`);
  }

  private async run(argv: string[], what: string): Promise<void> {
    try {
      await this.runner.run(argv, { timeoutMs: 30 * 60_000 });
    } catch (error) {
      throw new ReprovisionError(
        `ostree failed ${what}`,
        'Read ostree’s message below; `ostree admin status` shows the deployments',
        {
          cause: error,
        },
      );
    }
  }
}
