/**
 * Running an operation's switch: now, for a sysroot that is not running;
 * armed for shutdown on a booted node (the switch unit in the booted
 * deployment's /etc, started so that its ExecStop runs when the node goes
 * down), with an optional reboot right away.
 */
import { join } from 'node:path';
import type { ReprovisionEnv } from '../context.js';
import { systemctlArgv } from '../context.js';
import { ReprovisionError } from '../errors.js';
import { switchFiles } from '../scripts/switch-script.js';
import { SWITCH_UNIT, switchUnit } from '../scripts/units.js';
import type { Target } from '../target.js';
import { installUnit } from './install-unit.js';

/** Run the switch script of operation `id` now. @throws ReprovisionError with the script's message */
export async function switchNow(env: ReprovisionEnv, target: Target, id: string): Promise<void> {
  const { layout } = target;
  const script = join(layout.stateDir, switchFiles(id).script);
  try {
    await env.runner.run(['sh', script, layout.varDir, layout.boot, layout.physical], {
      timeoutMs: 60 * 60_000,
      onLine: (line, stream) => {
        if (stream === 'stderr') env.progress(line);
      },
    });
  } catch (error) {
    throw new ReprovisionError(
      `the switch (${script}) failed`,
      'Read its message below and run the same command again: the switch finishes where it stopped',
      { cause: error },
    );
  }
}

/** Arm the switch of operation `id` for the node's shutdown, and reboot when `now`. */
export async function armSwitch(env: ReprovisionEnv, target: Target, id: string, now: boolean): Promise<void> {
  await installUnit(env.fs, join(target.layout.root, 'etc'), switchUnit(id));
  try {
    await env.runner.run(systemctlArgv(target, 'daemon-reload'));
    await env.runner.run(systemctlArgv(target, 'start', SWITCH_UNIT));
  } catch (error) {
    throw new ReprovisionError(
      `systemd could not arm ${SWITCH_UNIT}`,
      'Check `systemctl status ' + SWITCH_UNIT + '`; nothing has been switched, and a rerun arms it again',
      { cause: error },
    );
  }
  env.progress(
    now ? 'rebooting: the switch runs at shutdown' : 'the switch runs at the next shutdown: reboot when convenient',
  );
  if (now) await env.runner.run(systemctlArgv(target, 'reboot'));
}
