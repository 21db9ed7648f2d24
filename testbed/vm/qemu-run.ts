/**
 * One qemu process of a {@link Machine} (machine.ts), from its start to its
 * exit: the sockets it connects to (in a directory of its own, so that the
 * next process of the same machine gets fresh ones), its QMP connection, and
 * why it stopped. qemu runs with `-no-reboot`, so a reset (the guest's reboot
 * or QMP `system_reset`) ends the process; the machine then starts the next
 * one on the same disks and variable store: a cold start, as a power cycle.
 */
import { mkdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import { listenOnce, type OneConnection } from './listener.js';
import { socketPaths } from './machine-argv.js';
import { killPid, launch, startFailure, type MachineExit } from './qemu-process.js';
import { QmpClient } from './qmp.js';
import type { TextStream } from './text-stream.js';

/**
 * The SHUTDOWN reasons (qemu's qapi/run-state.json `ShutdownCause`) that are a reset under `-no-reboot`:
 * the guest rebooted, or QMP `system_reset` was sent. Any other ends the machine.
 */
const RESET_REASONS: ReadonlySet<string> = new Set(['guest-reset', 'host-qmp-system-reset']);

/** Where a process's console and completion port output goes. */
export interface RunStreams {
  console: TextStream;
  completion: TextStream;
}

/** A started qemu process with QMP connected. */
export class QemuRun {
  private shutdownReason: string | undefined;

  private constructor(
    readonly pid: number | undefined,
    /** Resolves once qemu has exited and everything it sent on QMP was read. */
    readonly exited: Promise<MachineExit>,
    readonly stderr: { text: string },
    readonly serial: Promise<Socket>,
    private readonly listeners: readonly OneConnection[],
  ) {}

  private qmpClient: QmpClient | undefined;

  /**
   * Starts qemu (`argvFor(socketDir)`) with its sockets in `socketDir`, killed after `timeoutMs`.
   * @throws Error with qemu's stderr when it exits before QMP answers; nothing is left running.
   */
  static async start(
    argvFor: (socketDir: string) => string[],
    socketDir: string,
    timeoutMs: number,
    streams: RunStreams,
  ): Promise<QemuRun> {
    mkdirSync(socketDir, { recursive: true });
    const argv = argvFor(socketDir);
    const sock = socketPaths(socketDir);
    const listeners: OneConnection[] = [];
    let run: QemuRun | undefined;
    try {
      for (const path of [sock.qmp, sock.serial, sock.completion]) listeners.push(await listenOnce(path));
      const [qmpL, serialL, completionL] = listeners as [OneConnection, OneConnection, OneConnection];
      const { exited, pid, stderr } = launch(argv, timeoutMs);
      void serialL.connected.then((s) => s.on('data', (b: Buffer) => streams.console.push(b)));
      void completionL.connected.then((s) => s.on('data', (b: Buffer) => streams.completion.push(b)));
      const allRead = exited.then(async (e) => {
        await started.qmpClient?.ended;
        return e;
      });
      const started = new QemuRun(pid, allRead, stderr, serialL.connected, listeners);
      run = started;
      const qmpSocket = await Promise.race([
        qmpL.connected,
        exited.then((e) => Promise.reject(startFailure(e, stderr))),
      ]);
      started.qmpClient = await QmpClient.connect(qmpSocket, (event, data) => {
        if (event === 'SHUTDOWN' && typeof data['reason'] === 'string') started.shutdownReason = data['reason'];
      });
      return started;
    } catch (error) {
      if (run !== undefined) {
        run.kill();
        await run.exited;
      }
      for (const l of listeners) await l.close();
      throw error;
    }
  }

  /** Whether the process ended because of a reset (see {@link RESET_REASONS}), as far as qemu said. */
  get endedInReset(): boolean {
    return this.shutdownReason !== undefined && RESET_REASONS.has(this.shutdownReason);
  }

  /** Runs a QMP command on this process. */
  qmp(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (this.qmpClient === undefined) return Promise.reject(new Error('QMP is not connected'));
    return this.qmpClient.execute(command, args);
  }

  /** SIGKILL, if it still runs. */
  kill(): void {
    if (this.pid !== undefined) killPid(this.pid);
  }

  /** Closes the listening sockets and the connections (after the exit). */
  async closeSockets(): Promise<void> {
    for (const l of this.listeners) await l.close();
  }
}
