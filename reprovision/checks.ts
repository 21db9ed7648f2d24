/**
 * Everything `plan` and `apply` check before anything changes, in one place so
 * that plan fails exactly where apply would: the --keep paths, the config
 * (validated, resources fetched, hashed), the node (an ostree system, no /var
 * submount, a writable /boot, a --backup that survives, an ostree with
 * set-default), staged mode's needs, and the stamp's verdict.
 */
import { ostreeInvocation, type ReprovisionEnv } from './context.js';
import { loadConfig, type LoadedConfig } from './config/load.js';
import type { ConfigText } from './config/read.js';
import { checkStagedConfig } from './config/staged-check.js';
import { effectivePhase } from './state/progress.js';
import { decideResume, readStamp, type Mode, type Resume } from './state/stamp.js';
import { Ostree } from './sysroot/ostree.js';
import { checkBackupDir, checkKeepPaths, inspectTarget, preflight, type Target } from './target.js';

/** What plan and apply are asked (apply adds --now). */
export interface ReprovisionRequest {
  readonly root: string;
  readonly config: ConfigText;
  readonly mode: Mode;
  readonly keep: readonly string[];
  /** Backup directory; null for --no-backup; undefined for the default (in the state directory). */
  readonly backup: string | null | undefined;
  readonly force: boolean;
}

/** What the checks found. */
export interface Checked {
  readonly keep: string[];
  readonly config: LoadedConfig;
  readonly target: Target;
  readonly ostree: Ostree;
  /** The Ignition binary (staged mode), else null. */
  readonly ignition: string | null;
  readonly resume: Resume;
}

/** Run every check; reads only. @throws ReprovisionError naming the problem and what to do */
export async function checkBeforeChange(env: ReprovisionEnv, request: ReprovisionRequest): Promise<Checked> {
  const keep = checkKeepPaths(request.keep);
  const config = await loadConfig(request.config.text, request.config.origin, env.get);
  const target = await inspectTarget(env.fs, request.root, env.proc.cmdline);
  await preflight(env.fs, target, env.proc.mountinfo);
  checkBackupDir(target, request.backup, keep);
  const ostree = new Ostree(env.runner, ostreeInvocation(target, env.ostreeProgram));
  await ostree.requireSetDefault();
  if (request.mode === 'staged') checkStagedConfig(config.text);
  const ignition = request.mode === 'staged' ? await env.findIgnition(target) : null;
  const existing = await readStamp(env.fs, target.layout.stateDir);
  const current =
    existing === null ? null : { ...existing, phase: await effectivePhase(env.fs, target.layout.stateDir, existing) };
  return { keep, config, target, ostree, ignition, resume: decideResume(current, config.sha256, request.force) };
}
