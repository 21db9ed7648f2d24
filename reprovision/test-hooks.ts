/**
 * The tests' power cuts, named by environment variables (the composition root
 * reads them; nothing else does):
 * - `ICA_REPROVISION_STOP=apply:<phase>`: SIGKILL after the phase, as a power
 *   cut gives no chance to clean up (the page cache survives it);
 * - `ICA_REPROVISION_HOLD=apply:<phase>`: announce `ICA-REPROVISION-HOLD
 *   apply:<phase>` on stderr and the kernel log and stop there, so a VM test
 *   can cut the machine's power (QMP `system_reset`) at exactly that point,
 *   losing what was not yet on disk.
 * The switch script has the same two hooks for its own steps (switch-script.ts).
 */
import { writeSync, openSync, closeSync } from 'node:fs';

/** The prefix of the line a hold announces. */
export const HOLD_MARKER = 'ICA-REPROVISION-HOLD';

/** What the hooks do at checkpoint `step`, from the environment `env`. */
export function testHooks(env: Readonly<Record<string, string | undefined>>): (step: string) => void {
  const stop = env['ICA_REPROVISION_STOP'];
  const hold = env['ICA_REPROVISION_HOLD'];
  return (step) => {
    if (stop === step) process.kill(process.pid, 'SIGKILL');
    if (hold === step) holdForever(`${HOLD_MARKER} ${step}`);
  };
}

/** Writes `line` to stderr and /dev/kmsg (synchronously: nothing is left in a buffer) and blocks forever. */
function holdForever(line: string): void {
  writeSync(2, `${line}\n`);
  try {
    const kmsg = openSync('/dev/kmsg', 'w');
    writeSync(kmsg, `${line}\n`);
    closeSync(kmsg);
  } catch {
    // not root, or no kernel log: stderr is enough
  }
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
