/**
 * A firmware-booting VM for tests (issue 15 §3): qemu q35 + OVMF with a
 * per-VM variable store, virtio disks with serials, an optional NIC on a tap
 * in the caller's namespace, the serial console captured to a log, a
 * completion port, QMP (system_reset, quit) and a hard timeout that kills qemu.
 * Beside run.ts, which boots a kernel directly over the host's root.
 *
 * Everything a VM creates lives in its own temp directory (variable store,
 * sockets, console log); {@link Machine.close} kills qemu and removes it, and
 * {@link withMachine} calls close on every path, failures included.
 *
 * Every reset is a cold start: qemu runs with `-no-reboot`, so a reboot of
 * the guest or a QMP `system_reset` ends its process, and the machine starts
 * a new one on the same disks and variable store (qemu-run.ts), as a power
 * cycle would; the console and the completion port go on as one stream each.
 * Why: under TCG, once the guest had run Linux and the product for a while,
 * a reset within the same qemu process took 8-11 s to reach the firmware's
 * handover, and GRUB then took 11 s, and once 125 s, to load the kernel and
 * initramfs (2 GiB guest, qemu 7.2); from a fresh process: 4 s and 3 s.
 * Measured in the reprovision story (test/e2e/reprovision-boot.test.ts),
 * which went from 13-16 min to 12 min. The one firmware stall seen
 * (firmware-stall.ts) also followed such a reset.
 */
import type { Socket } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOvmf, copyVars, findOvmf } from './firmware.js';
import { chooseAccel, machineArgv } from './machine-argv.js';
import type { MachineOptions } from './machine-options.js';
import { FirmwareStallWatch } from './firmware-stall.js';
import { PanicWatch } from './kernel-panic.js';
import { findQemu } from './qemu-binary.js';
import { describeExit, type MachineExit } from './qemu-process.js';
import { QemuRun, type RunStreams } from './qemu-run.js';
import { TextStream } from './text-stream.js';

export type { MachineOptions } from './machine-options.js';
export type { MachineExit } from './qemu-process.js';

/** A running VM. */
export class Machine {
  /** Resolves when the machine is off for good: qemu exited other than for a reset, or did not start again. */
  readonly exited: Promise<MachineExit>;
  private finish: (exit: MachineExit) => void = () => undefined;
  private closing: Promise<MachineExit> | undefined;
  /** The qemu process running now, or the one being started after a reset. */
  private current: Promise<QemuRun>;
  private serialSocket: Socket | undefined;
  /** Set when the machine must not start again, with why it stopped when the exit does not say it. */
  private stopping: { reason?: string } | undefined;
  private panicWatch: PanicWatch | undefined;
  private runs = 1;

  private constructor(
    /** The VM's directory. */
    readonly dir: string,
    /** This VM's copy of the OVMF variable store. */
    readonly varsFile: string,
    private readonly streams: RunStreams,
    first: QemuRun,
    private readonly argvFor: (socketDir: string) => string[],
    private readonly deadline: number,
    private readonly keepDir: boolean,
  ) {
    this.exited = new Promise((resolve) => (this.finish = resolve));
    this.current = Promise.resolve(first);
    void this.follow(first);
  }

  /** Serial console text (escape sequences removed); raw bytes go to {@link consoleLog}. */
  get console(): TextStream {
    return this.streams.console;
  }

  /** Text the guest writes to /dev/virtio-ports/testisocompletion. */
  get completion(): TextStream {
    return this.streams.completion;
  }

  /** The raw serial console log (removed with the directory on close unless keepDir). */
  get consoleLog(): string {
    return join(this.dir, 'console.log');
  }

  /**
   * Starts qemu and connects QMP.
   * @throws Error when OVMF is missing, an option is invalid, or qemu exits before QMP answers
   *   (with qemu's stderr); nothing is left behind.
   */
  static async start(o: MachineOptions): Promise<Machine> {
    const ovmf = o.ovmf === undefined ? findOvmf() : checkOvmf(o.ovmf);
    if ('missing' in ovmf) throw new Error(`Cannot start a VM: ${ovmf.missing}`);
    const deadline = Date.now() + o.hardTimeoutMs;
    const dir = mkdtempSync(join(tmpdir(), 'ica-machine-'));
    try {
      const vars = copyVars(ovmf, dir);
      const spec = {
        ovmf,
        vars,
        accel: o.accel ?? chooseAccel(process.env, existsSync('/dev/kvm')),
        disks: o.disks ?? [],
        nic: o.nic,
        fwCfg: o.fwCfg,
        memoryMiB: o.memoryMiB ?? 1024,
        cpus: o.cpus ?? 2,
        qemu: (o.qemu ?? findQemu()).argv,
      };
      const argvFor = (socketDir: string) => machineArgv({ ...spec, dir: socketDir });
      const streams: RunStreams = {
        console: new TextStream('serial console', join(dir, 'console.log')),
        completion: new TextStream('completion port'),
      };
      const first = await QemuRun.start(argvFor, join(dir, 'run-1'), o.hardTimeoutMs, streams);
      const machine = new Machine(dir, vars, streams, first, argvFor, deadline, o.keepDir ?? false);
      machine.watchConsole(o);
      return machine;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Waits for the `occurrence`-th match of `pattern` on the console, counted from offset `from` of
   * {@link TextStream.text} (default: the start); rejects if the machine stops first.
   */
  waitForConsole(pattern: RegExp, occurrence = 1, from = 0): Promise<string> {
    return this.console.waitFor(pattern, occurrence, from);
  }

  /** The reason of every guest kernel panic seen so far (see {@link MachineOptions.oopsResets}). */
  get panics(): readonly string[] {
    return this.panicWatch?.panics ?? [];
  }

  /** How many qemu processes this machine has started: one, and one more per reset. */
  get starts(): number {
    return this.runs;
  }

  /** The first line the guest writes to the completion port; rejects if the machine stops first. */
  async waitForCompletion(): Promise<string> {
    return (await this.completion.waitFor(/[^\n]*\n/)).trimEnd();
  }

  /** Types `text` on the serial console, as a user at the firmware or shell prompt would. */
  typeOnConsole(text: string): void {
    if (this.serialSocket === undefined) throw new Error('The serial console is not connected yet');
    this.serialSocket.write(text);
  }

  /** Runs a QMP command on the qemu process running now (waiting for it while it starts after a reset). */
  async qmp(command: string, args?: Record<string, unknown>): Promise<unknown> {
    return (await this.current).qmp(command, args);
  }

  /**
   * A hard reset, as the reset button (QMP system_reset), which under `-no-reboot` ends the qemu process:
   * resolves once the next one has started, its firmware running from the start.
   */
  async systemReset(): Promise<void> {
    const run = await this.current;
    await run.qmp('system_reset');
    await run.exited;
    await this.current;
  }

  /** Asks qemu to quit (QMP quit) and waits for it to exit; the directory stays until close. */
  async quit(): Promise<MachineExit> {
    this.stopping ??= {};
    await this.qmp('quit').catch(() => undefined);
    return this.exited;
  }

  /** Kills qemu if it still runs, closes the sockets and removes the directory (unless keepDir). Idempotent. */
  close(): Promise<MachineExit> {
    this.closing ??= (async () => {
      this.stopping ??= {};
      await this.current.then((r) => r.kill()).catch(() => undefined);
      const exit = await this.exited;
      if (!this.keepDir) rmSync(this.dir, { recursive: true, force: true });
      return exit;
    })();
    return this.closing;
  }

  /**
   * Follows one qemu process after another: when one ends in a reset (and the machine is not stopping, and
   * the hard timeout has time left), the next starts at once; otherwise the machine is off and both streams end.
   */
  private async follow(run: QemuRun): Promise<void> {
    for (;;) {
      void run.serial.then((s) => (this.serialSocket = s));
      const exit = await run.exited;
      const left = this.deadline - Date.now();
      if (this.stopping !== undefined || !run.endedInReset || exit.timedOut || left <= 0) {
        await run.closeSockets();
        // a reset the hard timeout leaves no time to follow is the timeout's end
        const end = run.endedInReset && left <= 0 ? { ...exit, timedOut: true } : exit;
        this.end(end, this.stopping?.reason ?? describeExit(end, run.stderr.text));
        return;
      }
      this.runs += 1;
      const next = QemuRun.start(this.argvFor, join(this.dir, `run-${this.runs}`), left, this.streams);
      this.current = next;
      await run.closeSockets();
      try {
        run = await next;
      } catch (error) {
        this.end(exit, `qemu did not start again after a reset: ${(error as Error).message}`);
        return;
      }
      if (this.stopping !== undefined) run.kill();
    }
  }

  private end(exit: MachineExit, reason: string): void {
    this.console.end(reason);
    this.completion.end(reason);
    this.finish(exit);
  }

  /** Answers guest kernel panics (kernel-panic.ts) and firmware stalls (firmware-stall.ts) seen on the console. */
  private watchConsole(o: MachineOptions): void {
    const note = o.note ?? ((message: string) => process.stderr.write(`      VM: ${message}\n`));
    this.panicWatch = new PanicWatch(this.console, o.oopsResets ?? 3, {
      reset: () => this.systemReset(),
      stop: (reason) => {
        this.stopping ??= { reason };
        void this.current.then((r) => r.kill()).catch(() => undefined);
      },
      note,
    });
    void this.panicWatch.run();
    const stalls = new FirmwareStallWatch(this.console, o.stallResets ?? 3, o.stallMs ?? 120_000, {
      reset: () => this.systemReset(),
      note,
    });
    void stalls.run();
  }
}

/** Runs `fn` on a started VM and closes the VM afterwards, whatever happens. */
export async function withMachine<T>(o: MachineOptions, fn: (m: Machine) => Promise<T>): Promise<T> {
  const machine = await Machine.start(o);
  try {
    return await fn(machine);
  } finally {
    await machine.close();
  }
}
