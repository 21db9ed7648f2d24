/**
 * A QMP client (qemu's JSON machine protocol, docs/interop/qmp-spec.rst in
 * qemu): one command at a time over the VM's QMP socket, after the greeting
 * and `qmp_capabilities`. Events are ignored.
 */
import type { Socket } from 'node:net';

/** An asynchronous QMP event: its name and `data`. */
export type QmpEventHandler = (event: string, data: Record<string, unknown>) => void;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** A QMP connection. */
export class QmpClient {
  private buffer = '';
  private nextId = 1;
  private closed: string | undefined;
  private readonly pending = new Map<number, Pending>();
  private greeted: Pending | undefined;
  /** Resolves when the socket has closed, after every message qemu sent was handled. */
  readonly ended: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly onEvent: QmpEventHandler | undefined,
  ) {
    socket.on('data', (b: Buffer) => this.onData(b.toString('utf8')));
    socket.on('error', (e) => this.onClose(`the QMP socket failed: ${e.message}`));
    this.ended = new Promise((resolve) =>
      socket.once('close', () => {
        this.onClose('the QMP socket closed (qemu exited)');
        resolve();
      }),
    );
  }

  /**
   * Reads the greeting and enters command mode.
   * @throws Error when qemu closes the socket or refuses `qmp_capabilities`.
   */
  static async connect(socket: Socket, onEvent?: QmpEventHandler): Promise<QmpClient> {
    const client = new QmpClient(socket, onEvent);
    await new Promise((resolve, reject) => {
      client.greeted = { resolve, reject };
      client.drain();
    });
    await client.execute('qmp_capabilities');
    return client;
  }

  /**
   * Runs one QMP command and resolves with its `return` value.
   * @throws Error with qemu's error class and description, or when the connection is gone.
   */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (this.closed !== undefined) return Promise.reject(new Error(`QMP ${command}: ${this.closed}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id })}\n`);
    });
  }

  private onData(text: string): void {
    this.buffer += text;
    this.drain();
  }

  private drain(): void {
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line !== '') this.onMessage(JSON.parse(line) as Record<string, unknown>);
    }
  }

  private onMessage(msg: Record<string, unknown>): void {
    if ('QMP' in msg && this.greeted !== undefined) {
      this.greeted.resolve(undefined);
      this.greeted = undefined;
      return;
    }
    if (typeof msg['event'] === 'string') {
      this.onEvent?.(msg['event'], (msg['data'] ?? {}) as Record<string, unknown>);
      return;
    }
    const id = typeof msg['id'] === 'number' ? msg['id'] : undefined;
    const waiting = id === undefined ? undefined : this.pending.get(id);
    if (id === undefined || waiting === undefined) return;
    this.pending.delete(id);
    const error = msg['error'] as { class?: string; desc?: string } | undefined;
    if (error !== undefined) waiting.reject(new Error(`QMP error ${error.class ?? '?'}: ${error.desc ?? '?'}`));
    else waiting.resolve(msg['return']);
  }

  private onClose(reason: string): void {
    this.closed ??= reason;
    this.greeted?.reject(new Error(`QMP greeting: ${reason}`));
    this.greeted = undefined;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new Error(`QMP command ${id}: ${reason}`));
    }
  }
}
