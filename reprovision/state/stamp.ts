/**
 * The run-once stamp: one JSON document per node binding a reprovision to its
 * config's sha256 and recording how far it got. It lives in the stateroot's
 * /var under a directory the /var rotation never moves, so it survives every
 * reboot and both deployments see it. The scripts that run at shutdown and
 * boot (switch-script.ts) record their progress beside it as marker files,
 * not by editing it.
 *
 * Why (coreos/ignition-dracut#137, fedora-coreos-tracker#1970): interrupted,
 * a rerun with the same config must finish the job, and a different config
 * must never be mixed into a half-applied one.
 */
import { join } from 'node:path';
import type { Fs } from '../../common/fs/fs.js';
import { readFileIfExists } from '../../common/fs/fs.js';
import { ReprovisionError } from '../errors.js';

/** How a config is applied: by Ignition at the next boot, or by its stages now. */
export type Mode = 'firstboot' | 'staged';

/** The steps of `apply`, in order; `switched` and later are written by the switch script and the boot unit. */
export const PHASES = ['started', 'backed-up', 'deployed', 'prepared', 'switching', 'switched', 'complete'] as const;

/** One of {@link PHASES}, or the end of a rollback. */
export type Phase = (typeof PHASES)[number] | 'rolled-back';

/** The stamp document. */
export interface Stamp {
  readonly format: 1;
  readonly sha256: string;
  readonly mode: Mode;
  readonly phase: Phase;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** The deployment that was the default when the reprovision started (`<checksum>.<serial>`). */
  readonly original: string;
  readonly stateroot: string;
  /** The ids of the deployments before the new one was made, to recognise it after a crash. */
  readonly before: readonly string[];
  /** The new deployment, once made. */
  readonly deployment?: string;
  /** Paths under /var that survive (relative, no `..`). */
  readonly keep: readonly string[];
  /** Where the backup of /etc and /var is, or null for --no-backup. */
  readonly backup: string | null;
  /** The kernel arguments the new deployment got. */
  readonly kargs: readonly string[];
  /** The switch happens at shutdown (the sysroot is the booted one), not now. */
  readonly live: boolean;
}

/** The stamp's file in the reprovision state directory. */
export const STAMP_FILE = 'stamp.json';

/** Order of a phase; rolled-back sorts last. */
export function phaseRank(phase: Phase): number {
  return phase === 'rolled-back' ? PHASES.length : PHASES.indexOf(phase);
}

/** True when `phase` has reached `step`. */
export function reached(phase: Phase, step: Phase): boolean {
  return phaseRank(phase) >= phaseRank(step);
}

/** The stamp in `stateDir`, or null. @throws ReprovisionError for an unreadable or foreign file */
export async function readStamp(fs: Pick<Fs, 'readFile'>, stateDir: string): Promise<Stamp | null> {
  const path = join(stateDir, STAMP_FILE);
  const text = await readFileIfExists(fs, path);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ReprovisionError(`${path} is not JSON`, `Move it aside after checking what it held, then run again`);
  }
  if (typeof value !== 'object' || value === null || (value as { format?: unknown }).format !== 1) {
    throw new ReprovisionError(`${path} is not a stamp this version understands`, 'Use the version that wrote it');
  }
  return value as Stamp;
}

/** Write the stamp atomically, 0600 (it names no secret, but the directory holds the config). */
export async function writeStamp(fs: Pick<Fs, 'writeFileAtomic'>, stateDir: string, stamp: Stamp): Promise<void> {
  await fs.writeFileAtomic(join(stateDir, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`, 0o600);
}

/** What to do about an existing stamp when `apply` starts with config `sha256`. */
export type Resume = { kind: 'fresh' } | { kind: 'resume'; stamp: Stamp } | { kind: 'abandon'; stamp: Stamp };

/**
 * Decide between a fresh start, finishing an interrupted run of the same
 * config, or (`force`) abandoning another config's unfinished run.
 * @throws ReprovisionError when another config's run is unfinished and not forced, or past the point of no return
 */
export function decideResume(existing: Stamp | null, sha256: string, force: boolean): Resume {
  if (existing === null || existing.phase === 'complete' || existing.phase === 'rolled-back') return { kind: 'fresh' };
  if (existing.sha256 === sha256) return { kind: 'resume', stamp: existing };
  const what = `a reprovision with config sha256 ${existing.sha256} is unfinished (phase ${existing.phase} since ${existing.updatedAt}); this config's sha256 is ${sha256}`;
  if (reached(existing.phase, 'switching')) {
    throw new ReprovisionError(
      `${what}, and its switch has begun`,
      'Reboot to let it finish, or run `reprovision rollback`; then apply the new config',
    );
  }
  if (!force) {
    throw new ReprovisionError(
      what,
      'Run the same config again to finish it, `reprovision rollback` to undo it, or add --force to abandon it and start over with this one',
    );
  }
  return { kind: 'abandon', stamp: existing };
}
