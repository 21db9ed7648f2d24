/**
 * `reprovision plan`: everything apply checks, and a description of exactly
 * what it would do, without changing anything.
 */
import { join } from 'node:path';
import { checkBeforeChange, type Checked, type ReprovisionRequest } from './checks.js';
import type { ReprovisionEnv } from './context.js';
import { applyId } from './state/progress.js';
import type { Mode, Resume } from './state/stamp.js';
import { carriedKargs } from './sysroot/kargs.js';

/** The facts a plan is described from: the checks' findings and the request. */
export interface PlanFacts extends Checked {
  readonly options: ReprovisionRequest;
}

/** Gather the facts (read only). @throws ReprovisionError as apply would, before changing anything */
export async function gatherPlan(env: ReprovisionEnv, options: ReprovisionRequest): Promise<PlanFacts> {
  return { ...(await checkBeforeChange(env, options)), options };
}

/** The plan as lines of text (pure). */
export function describePlan(facts: PlanFacts): string[] {
  const { config, target, options, keep } = facts;
  const { layout, current } = target;
  const id = applyId(config.sha256);
  const counts = ['fetched', 'inline', 'at-boot'].map(
    (c) => `${config.references.filter((r) => r.check === c).length} ${c}`,
  );
  const lines = [
    `config: ${options.config.origin}, Ignition spec ${config.version}, sha256 ${config.sha256}`,
    `  resources: ${counts.join(', ')}${config.warnings.length > 0 ? `; ${config.warnings.length} warning(s)` : ''}`,
    ...config.warnings.map((w) => `  warning: ${w}`),
    `node: ${layout.root} (${target.booted ? 'the running system' : 'not running'}), stateroot ${layout.stateroot}`,
    `  from deployment ${current.id}${target.booted ? ' (booted)' : ' (default)'}`,
    resumeLine(facts.resume),
    `new deployment: commit ${current.checksum}, not the default until the switch; /etc fresh from /usr/etc`,
    `  kernel arguments: ${carriedKargs(current.entry.options).join(' ')}`,
    ...modeLines(options.mode, layout.ignitionDir),
    options.backup === null
      ? 'backup: none (--no-backup): rollback can only use the old /var while it is kept'
      : `backup: /etc and /var tarred to ${join(options.backup ?? join(layout.stateDir, 'backups'), id)}`,
    `/var: moved to ${join(layout.stateDir, `${id}.old-var`)} at the switch, deleted after the new deployment's first good boot`,
    `  kept: ${keep.length === 0 ? 'nothing' : keep.map((k) => `/var/${k}`).join(', ')}`,
    target.booted
      ? 'switch: at the next shutdown (apply --now reboots right away)'
      : 'switch: right away (the sysroot is not running)',
  ];
  return lines;
}

function modeLines(mode: Mode, ignitionDir: string): string[] {
  if (mode === 'firstboot') {
    return [
      `mode firstboot: the config goes to ${ignitionDir}/config.ign (0600); /boot/ignition.firstboot is created at the switch,`,
      '  and Ignition applies the config in the initrd at the next boot',
    ];
  }
  return [
    "mode staged: Ignition's fetch, mount and files stages run now into the new deployment with a fresh /var;",
    '  no initrd run is needed at the next boot',
  ];
}

function resumeLine(resume: Resume): string {
  if (resume.kind === 'resume')
    return `stamp: an interrupted run of this config (phase ${resume.stamp.phase}) is finished`;
  if (resume.kind === 'abandon')
    return `stamp: the unfinished run of config ${resume.stamp.sha256} is abandoned (--force)`;
  return 'stamp: a new reprovision starts';
}
