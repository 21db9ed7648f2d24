/**
 * Guest kernel panics on a VM's serial console, and what the runner does
 * about them (machine.ts).
 *
 * Under qemu's multi-threaded TCG (two vCPUs on two host threads, which boots
 * the CoreOS-like image in about 70-95 s against 128 s with one vCPU, measured
 * on 2 cores), Debian's 7.2 kernel sometimes oopses early in boot on an `int3`
 * its own live code patching left behind (arch/x86/kernel/alternative.c,
 * text_poke_bp: another vCPU ran the temporary breakpoint after the patch was
 * done): `Oops: int3 ... Kernel panic - not syncing: Fatal exception in
 * interrupt`, seen at 1.3 s and 1.9 s of kernel time. The kernel then spins
 * until the hard timeout. Such an oops is answered as a hardware watchdog
 * would: a hard reset, which for the guest is one more power cut, something
 * every flow the VM tier tests must survive anyway. Any other panic (no init,
 * no root file system: the image or a test is wrong) stops the VM at once,
 * naming the panic, instead of waiting for the hard timeout.
 */
import type { TextStream } from './text-stream.js';

/** The line a panicking kernel prints first (not its `---[ end Kernel panic ...` line); group 1 is its reason. */
export const PANIC_LINE = /(?<!end )Kernel panic - not syncing: ([^\n]*)\n/;

/** An oops (the kernel trapped on its own code) or a panic a wrong image or test causes. */
export type PanicKind = 'oops' | 'other';

/**
 * What kind of panic `reason` (the text after "not syncing: ") names. The
 * console can drop characters under load ("Fatalnterrupt" was seen), so only
 * the first word is read.
 */
export function panicKind(reason: string): PanicKind {
  return /^Fatal/.test(reason.trim()) ? 'oops' : 'other';
}

/** The reason of the first whole panic line in `text`, or undefined when there is none. */
export function panicReason(text: string): string | undefined {
  return PANIC_LINE.exec(text)?.[1]?.trim();
}

/** What a {@link PanicWatch} does to the VM. */
export interface PanicActions {
  /** A hard reset (QMP system_reset). */
  reset(): Promise<void>;
  /** Ends the VM; `reason` says why, for every pending wait's error. */
  stop(reason: string): void;
  /** Tells the person running the tests, who must see every reset. */
  note(message: string): void;
}

/** Watches a console for panics: resets after an oops, up to `resets` times; stops the VM on any other. */
export class PanicWatch {
  /** The reason of every panic seen, in order. */
  readonly panics: string[] = [];
  private oopses = 0;

  constructor(
    private readonly console: TextStream,
    private readonly resets: number,
    private readonly actions: PanicActions,
  ) {}

  /** Runs until the console ends (qemu exited). Never rejects. */
  async run(): Promise<void> {
    for (let n = 1; ; n += 1) {
      const line = await this.console.waitFor(PANIC_LINE, n).catch(() => undefined);
      if (line === undefined) return;
      const reason = panicReason(line) ?? line.trim();
      this.panics.push(reason);
      const oops = panicKind(reason) === 'oops';
      if (oops) this.oopses += 1;
      if (oops && this.oopses <= this.resets) {
        this.actions.note(
          `the guest kernel panicked ("${reason}", an oops qemu's multi-threaded TCG can cause); ` +
            `resetting the VM, as a watchdog would (${this.oopses} of ${this.resets} allowed)`,
        );
        await this.actions.reset().catch(() => undefined);
      } else {
        const why = oops ? `, after ${this.resets} reset(s) for the same` : '';
        this.actions.stop(`the guest kernel panicked: "${reason}"${why}; the console has the trace`);
        return;
      }
    }
  }
}
