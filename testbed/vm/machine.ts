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
 */
import type { Socket } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOvmf, copyVars, findOvmf, type Ovmf } from './firmware.js';
import { listenOnce, type OneConnection } from './listener.js';
import {
  chooseAccel,
  machineArgv,
  socketPaths,
  type Accel,
  type FwCfgFile,
  type MachineDisk,
  type MachineNic,
} from './machine-argv.js';
import { FirmwareStallWatch } from './firmware-stall.js';
import { PanicWatch } from './kernel-panic.js';
import { QmpClient } from './qmp.js';
import { describeExit, killPid, launch, startFailure, type MachineExit } from './qemu-process.js';
import { TextStream } from './text-stream.js';

/** What to boot. */
export interface MachineOptions {
  /** qemu is killed (SIGKILL) this long after it started. Required: a VM must never outlive its test. */
  hardTimeoutMs: number;
  disks?: readonly MachineDisk[];
  nic?: MachineNic;
  /** Files for the guest's fw_cfg, e.g. an Ignition config at `opt/com.coreos/config`. */
  fwCfg?: readonly FwCfgFile[];
  /** Guest memory in MiB. Default 1024. */
  memoryMiB?: number;
  /** Virtual CPUs. Default 2. */
  cpus?: number;
  /** Default: TCG, or KVM when ICA_VM_KVM=1 and /dev/kvm exists (guests fail under KVM on some hosts). */
  accel?: Accel;
  /** Default: Debian's, from {@link findOvmf}. */
  ovmf?: Ovmf;
  /** Keep the VM's directory (console log, variable store) after close. Default false. */
  keepDir?: boolean;
  /**
   * How many guest kernel oopses (`Kernel panic - not syncing: Fatal exception`, which qemu's multi-threaded
   * TCG can cause) are answered with a hard reset, as a watchdog would; one more, or any other panic, stops
   * the VM at once. Default 3. See kernel-panic.ts.
   */
  oopsResets?: number;
  /**
   * How many firmware stalls (nothing on the console within `stallMs` of OVMF handing over to the boot
   * loader) are answered with a hard reset. Default 3, after 120 s. See firmware-stall.ts.
   */
  stallResets?: number;
  stallMs?: number;
  /** Where a reset after an oops or a stall is told. Default: a line on stderr. */
  note?: (message: string) => void;
}

export type { MachineExit } from './qemu-process.js';

/** A running VM. */
export class Machine {
  /** Serial console text (escape sequences removed); raw bytes go to {@link consoleLog}. */
  readonly console: TextStream;
  /** Text the guest writes to /dev/virtio-ports/testisocompletion. */
  readonly completion: TextStream;
  private closing: Promise<MachineExit> | undefined;
  private qmpClient: QmpClient | undefined;
  private serialSocket: Socket | undefined;
  private stopReason: string | undefined;
  private panicWatch: PanicWatch | undefined;

  private constructor(
    /** The VM's directory. */
    readonly dir: string,
    /** This VM's copy of the OVMF variable store. */
    readonly varsFile: string,
    /** Resolves when qemu has exited. */
    readonly exited: Promise<MachineExit>,
    private readonly pid: number | undefined,
    private readonly listeners: readonly OneConnection[],
    private readonly keepDir: boolean,
  ) {
    this.console = new TextStream('serial console', join(dir, 'console.log'));
    this.completion = new TextStream(`completion port`);
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
    const dir = mkdtempSync(join(tmpdir(), 'ica-machine-'));
    const listeners: OneConnection[] = [];
    let machine: Machine | undefined;
    try {
      const vars = copyVars(ovmf, dir);
      const spec = {
        ovmf,
        vars,
        dir,
        accel: o.accel ?? chooseAccel(process.env, existsSync('/dev/kvm')),
        disks: o.disks ?? [],
        nic: o.nic,
        fwCfg: o.fwCfg,
        memoryMiB: o.memoryMiB ?? 1024,
        cpus: o.cpus ?? 2,
      };
      const argv = machineArgv(spec);
      const sock = socketPaths(dir);
      for (const path of [sock.qmp, sock.serial, sock.completion]) listeners.push(await listenOnce(path));
      const [qmpL, serialL, completionL] = listeners as [OneConnection, OneConnection, OneConnection];
      const { exited, pid, stderr } = launch(argv, o.hardTimeoutMs);
      machine = new Machine(dir, vars, exited, pid, listeners, o.keepDir ?? false);
      machine.attach(serialL, completionL, stderr);
      machine.watchConsole(o);
      const qmpSocket = await Promise.race([
        qmpL.connected,
        exited.then((e) => Promise.reject(startFailure(e, stderr))),
      ]);
      machine.qmpClient = await QmpClient.connect(qmpSocket);
      return machine;
    } catch (error) {
      if (machine !== undefined) await machine.close();
      else {
        for (const l of listeners) await l.close();
        rmSync(dir, { recursive: true, force: true });
      }
      throw error;
    }
  }

  /**
   * Waits for the `occurrence`-th match of `pattern` on the console, counted from offset `from` of
   * {@link TextStream.text} (default: the start); rejects if qemu exits first.
   */
  waitForConsole(pattern: RegExp, occurrence = 1, from = 0): Promise<string> {
    return this.console.waitFor(pattern, occurrence, from);
  }

  /** The reason of every guest kernel panic seen so far (see {@link MachineOptions.oopsResets}). */
  get panics(): readonly string[] {
    return this.panicWatch?.panics ?? [];
  }

  /** The first line the guest writes to the completion port; rejects if qemu exits first. */
  async waitForCompletion(): Promise<string> {
    return (await this.completion.waitFor(/[^\n]*\n/)).trimEnd();
  }

  /** Types `text` on the serial console, as a user at the firmware or shell prompt would. */
  typeOnConsole(text: string): void {
    if (this.serialSocket === undefined) throw new Error('The serial console is not connected yet');
    this.serialSocket.write(text);
  }

  /** Runs a QMP command. */
  qmp(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (this.qmpClient === undefined) return Promise.reject(new Error('QMP is not connected'));
    return this.qmpClient.execute(command, args);
  }

  /** A hard reset, as the reset button (QMP system_reset): the firmware starts again. */
  async systemReset(): Promise<void> {
    await this.qmp('system_reset');
  }

  /** Asks qemu to quit (QMP quit) and waits for it to exit; the directory stays until close. */
  async quit(): Promise<MachineExit> {
    await this.qmp('quit').catch(() => undefined);
    return this.exited;
  }

  /** Kills qemu if it still runs, closes the sockets and removes the directory (unless keepDir). Idempotent. */
  close(): Promise<MachineExit> {
    this.closing ??= (async () => {
      if (this.pid !== undefined) killPid(this.pid);
      const exit = await this.exited;
      for (const l of this.listeners) await l.close();
      if (!this.keepDir) rmSync(this.dir, { recursive: true, force: true });
      return exit;
    })();
    return this.closing;
  }

  private attach(serial: OneConnection, completion: OneConnection, stderr: { text: string }): void {
    void serial.connected.then((s) => {
      this.serialSocket = s;
      s.on('data', (b: Buffer) => this.console.push(b));
    });
    void completion.connected.then((s) => s.on('data', (b: Buffer) => this.completion.push(b)));
    void this.exited.then((e) => {
      const reason = this.stopReason ?? describeExit(e, stderr.text);
      this.console.end(reason);
      this.completion.end(reason);
    });
  }

  /** Answers guest kernel panics (kernel-panic.ts) and firmware stalls (firmware-stall.ts) seen on the console. */
  private watchConsole(o: MachineOptions): void {
    const note = o.note ?? ((message: string) => process.stderr.write(`      VM: ${message}\n`));
    this.panicWatch = new PanicWatch(this.console, o.oopsResets ?? 3, {
      reset: () => this.systemReset(),
      stop: (reason) => {
        this.stopReason = reason;
        if (this.pid !== undefined) killPid(this.pid);
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
