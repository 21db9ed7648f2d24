/**
 * A boot loader that never starts, and what the runner does about it
 * (machine.ts).
 *
 * OVMF prints `BdsDxe: starting Boot0001 ...` when it hands the machine to the
 * boot loader on the disk; GRUB's menu (or, with no menu, the kernel's first
 * line) follows within a second or two, even under TCG on a loaded machine.
 * Once, after a guest-initiated reboot late in a nine-boot run, nothing
 * followed: one vCPU spun at 100% for minutes with no output, until the test's
 * hard timeout (qemu 7.2, multi-threaded TCG; after Linux ran, a warm reset
 * was also seen taking 5-45 s to reach BdsDxe against 4 s from a cold
 * start). Resets are cold starts now (a new qemu process, machine.ts), which
 * took that path away; the watch stays for a stall on any other path. Like a
 * kernel oops (kernel-panic.ts), a stall is answered as a hardware watchdog
 * would: a hard reset, which for the guest is one more power cut before its
 * OS even started, a bounded number of times, each one said.
 */
import type { TextStream } from './text-stream.js';

/** OVMF handing over to the boot loader. */
export const HANDOVER = /BdsDxe: starting [^\n]*\n/g;
/** The first words of what the firmware started: GRUB, a kernel, OVMF's shell or its network boot. */
export const BOOTED = /GNU GRUB|Linux version|UEFI Interactive Shell|Start (PXE|HTTP Boot) over/;

/** Where the `n`-th (1-based) handover line of `text` ends, or undefined when there are fewer. */
export function handoverEnd(text: string, n: number): number | undefined {
  let seen = 0;
  for (const match of text.matchAll(HANDOVER)) {
    seen += 1;
    if (seen === n) return match.index + match[0].length;
  }
  return undefined;
}

/** What a {@link FirmwareStallWatch} does to the VM. */
export interface StallActions {
  /** A hard reset (QMP system_reset). */
  reset(): Promise<void>;
  /** Tells the person running the tests, who must see every reset. */
  note(message: string): void;
}

/** Resets a VM whose boot loader shows nothing within `stallMs` of the firmware's handover, up to `resets` times. */
export class FirmwareStallWatch {
  /** How many stalls were answered with a reset. */
  stalls = 0;

  constructor(
    private readonly console: TextStream,
    private readonly resets: number,
    private readonly stallMs: number,
    private readonly actions: StallActions,
  ) {}

  /** Runs until the console ends (qemu exited) or the resets are spent. Never rejects. */
  async run(): Promise<void> {
    for (let n = 1; this.stalls < this.resets; n += 1) {
      const handover = await this.console.waitFor(HANDOVER, n).catch(() => undefined);
      if (handover === undefined) return;
      const from = handoverEnd(this.console.text, n) ?? this.console.text.length;
      const started = await this.bootLoaderStarted(from);
      if (started === undefined) return;
      if (started) continue;
      this.stalls += 1;
      this.actions.note(
        `nothing followed the firmware's handover to the boot loader for ${this.stallMs / 1000} s ` +
          `(a stall seen under qemu's TCG); resetting the VM, as a watchdog would (${this.stalls} of ${this.resets} allowed)`,
      );
      await this.actions.reset().catch(() => undefined);
    }
  }

  /** true when the boot loader spoke in time, false on a stall, undefined when the console ended. */
  private async bootLoaderStarted(from: number): Promise<boolean | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.stallMs);
    });
    const spoke = this.console.waitFor(BOOTED, 1, from).then(
      () => true,
      () => undefined,
    );
    try {
      return await Promise.race([spoke, stalled]);
    } finally {
      clearTimeout(timer);
    }
  }
}
