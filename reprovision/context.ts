/**
 * What every reprovision command is given by the composition root (cli.ts):
 * the seams, the node's /proc facts, and how to run the node's own programs.
 */
import type { Clock } from '../common/clock.js';
import type { Runner } from '../common/exec/runner.js';
import type { Fs } from '../common/fs/fs.js';
import type { HttpGet } from './config/http.js';
import type { OstreeInvocation } from './sysroot/ostree.js';
import type { Target } from './target.js';

/** Runs Ignition's stages for staged mode (reprovision/staged/). */
export interface StagedIgnition {
  /** Run fetch-offline (and fetch when needed) on the config. */
  fetch(configText: string, platform: string): Promise<unknown>;
  /** Run mount, files and umount into `root`, with `freshVar` as its /var. */
  apply(root: string, freshVar: string, platform: string): Promise<void>;
}

/** The environment of a command. */
export interface ReprovisionEnv {
  readonly fs: Fs;
  readonly runner: Runner;
  readonly clock: Clock;
  readonly get: HttpGet;
  /** One line of progress for the operator (stderr). */
  readonly progress: (line: string) => void;
  /** /proc/cmdline and /proc/self/mountinfo of the running system. */
  readonly proc: { readonly cmdline: string; readonly mountinfo: string };
  /** --ostree: the ostree program to run instead of the node's. */
  readonly ostreeProgram?: string;
  /**
   * The Ignition binary staged mode runs (--ignition, else the one the node or
   * this machine has). Called before anything changes.
   * @throws ReprovisionError when there is none
   */
  readonly findIgnition: (target: Target) => Promise<string>;
  /** Staged mode's Ignition runner with `program`, keeping its files in `workDir`. */
  readonly stagedIgnition: (program: string, workDir: string) => StagedIgnition;
  /**
   * The tests' power cut: called after each step with its name; the root
   * makes it stop or hold the process there (test-hooks.ts).
   */
  readonly checkpoint: (step: string) => void;
}

/** How to run the node's ostree for `target` (see ostree.ts). */
export function ostreeInvocation(target: Target, program?: string): OstreeInvocation {
  const { root, physical } = target.layout;
  const sysroot = target.booted ? null : physical;
  if (program !== undefined) return { argv: [program], sysroot, mapPath: (p) => p };
  if (!target.booted || root === '/') return { argv: ['ostree'], sysroot, mapPath: (p) => p };
  const prefix = root.replace(/\/+$/, '');
  return {
    argv: ['chroot', root, 'ostree'],
    sysroot: null,
    mapPath: (p) => (p.startsWith(`${prefix}/`) ? p.slice(prefix.length) : p),
  };
}

/** `systemctl` on the node (`chroot <root> systemctl` from the agent's container). */
export function systemctlArgv(target: Target, ...args: string[]): string[] {
  return target.layout.root === '/' ? ['systemctl', ...args] : ['chroot', target.layout.root, 'systemctl', ...args];
}
