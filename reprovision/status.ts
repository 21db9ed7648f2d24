/**
 * `reprovision status`: the stamp, the deployments, and the success marker
 * the reprovisioned boot wrote. `--json` is the contract the fleet and the VM
 * tests read (snake_case, as on every wire of this project).
 */
import type { ReprovisionEnv } from './context.js';
import { effectivePhase, readSuccess, type SuccessMarker } from './state/progress.js';
import { readStamp } from './state/stamp.js';
import { inspectTarget } from './target.js';

/** The JSON document of `status --json`. */
export interface StatusDocument {
  readonly sysroot: string;
  readonly booted: boolean;
  readonly deployments: readonly {
    readonly index: number;
    readonly id: string;
    readonly stateroot: string;
    readonly default: boolean;
    readonly booted: boolean;
    readonly options: string;
  }[];
  readonly reprovision: {
    readonly sha256: string;
    readonly mode: string;
    readonly phase: string;
    readonly started_at: string;
    readonly updated_at: string;
    readonly original: string;
    readonly deployment: string | null;
    readonly backup: string | null;
    readonly keep: readonly string[];
  } | null;
  readonly success: SuccessMarker | null;
  /** True when the success marker names the config of the stamp and this boot runs its deployment. */
  readonly in_effect: boolean;
}

/** Gather the status of the node at `root` (read only). @throws ReprovisionError when it is not an ostree system */
export async function readStatus(env: ReprovisionEnv, root: string, bootId: string | null): Promise<StatusDocument> {
  const target = await inspectTarget(env.fs, root, env.proc.cmdline);
  const { stateDir } = target.layout;
  const stamp = await readStamp(env.fs, stateDir);
  const success = await readSuccess(env.fs, stateDir);
  const phase = stamp === null ? null : await effectivePhase(env.fs, stateDir, stamp);
  const bootedId = target.booted ? target.current.id : null;
  return {
    sysroot: root,
    booted: target.booted,
    deployments: target.deployments.map((d) => ({
      index: d.index,
      id: d.id,
      stateroot: d.stateroot,
      default: d.index === 0,
      booted: d.id === bootedId,
      options: d.entry.options,
    })),
    reprovision:
      stamp === null
        ? null
        : {
            sha256: stamp.sha256,
            mode: stamp.mode,
            phase: phase!,
            started_at: stamp.startedAt,
            updated_at: stamp.updatedAt,
            original: stamp.original,
            deployment: stamp.deployment ?? null,
            backup: stamp.backup,
            keep: stamp.keep,
          },
    success,
    in_effect:
      stamp !== null &&
      success !== null &&
      success.sha256 === stamp.sha256 &&
      success.deployment === bootedId &&
      success.boot_id === bootId,
  };
}

/** The status as text lines (pure). */
export function describeStatus(status: StatusDocument): string[] {
  const lines = [`sysroot ${status.sysroot} (${status.booted ? 'the running system' : 'not running'})`, 'deployments:'];
  for (const d of status.deployments) {
    const marks = [d.default ? 'default' : '', d.booted ? 'booted' : ''].filter((m) => m !== '').join(', ');
    lines.push(`  ${d.index}: ${d.stateroot} ${d.id}${marks === '' ? '' : ` (${marks})`}`);
  }
  const r = status.reprovision;
  if (r === null) lines.push('reprovision: none recorded');
  else {
    lines.push(`reprovision: config sha256 ${r.sha256}, ${r.mode} mode, phase ${r.phase} (since ${r.updated_at})`);
    lines.push(`  from ${r.original} to ${r.deployment ?? '(not made yet)'}; backup ${r.backup ?? 'none'}`);
  }
  const s = status.success;
  lines.push(
    s === null
      ? 'success marker: none'
      : `success marker: config sha256 ${s.sha256} on ${s.deployment}, boot ${s.boot_id}, at ${s.recorded_at}`,
  );
  if (status.in_effect) lines.push('the reprovisioned config is in effect on this boot');
  return lines;
}
