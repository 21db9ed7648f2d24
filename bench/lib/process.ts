/**
 * Processes started by a benchmark: spawn time, exit, the tail of their output
 * (for error messages), and stopping every one still running on the way out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** How a process ended. */
export interface Exit {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  error?: Error;
}

/** A process started by {@link ProcessGroup.start}. */
export interface BenchProcess {
  /** The process id (of the node binary itself: argv[0] is spawned directly, without a shell). */
  readonly pid: number;
  /** `performance.now()` taken immediately before spawning. */
  readonly spawnedAt: number;
  /** Settles (never rejects) when the process has ended. */
  readonly exited: Promise<Exit>;
  /** The exit once it happened, else undefined. */
  exit(): Exit | undefined;
  /** The last few KiB of stdout and stderr, interleaved. */
  outputTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5000); resolves once the process is gone. */
  stop(graceMs?: number): Promise<Exit>;
}

/** Bytes of output kept for error messages. */
const TAIL_BYTES = 8192;

/** Wraps one spawned child. */
class SpawnedChild implements BenchProcess {
  readonly spawnedAt: number;
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private tail = '';
  private ended: Exit | undefined;

  constructor(argv: readonly string[], env: NodeJS.ProcessEnv) {
    const [command, ...args] = argv;
    if (command === undefined) throw new RangeError('empty argv');
    this.spawnedAt = performance.now();
    this.child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise<Exit>((resolve) => {
      this.child.once('error', (error) => {
        this.ended ??= { code: null, signal: null, error };
        resolve(this.ended);
      });
      this.child.once('exit', (code, signal) => {
        this.ended ??= { code, signal };
        resolve(this.ended);
      });
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.tail = (this.tail + chunk).slice(-TAIL_BYTES);
      });
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  exit(): Exit | undefined {
    return this.ended;
  }

  outputTail(): string {
    return this.tail;
  }

  async stop(graceMs = 5000): Promise<Exit> {
    if (this.ended !== undefined) return this.ended;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Variables of the developer's environment that change how node itself runs
 * and that the agent does not have where it is deployed (the image sets PATH
 * and NODE_COMPILE_CACHE only): NODE_OPTIONS adds flags to every process;
 * NODE_EXTRA_CA_CERTS, which some machines set for their own proxy, raised the
 * idle agent's peak memory by 0.7 MiB on Node 22, auto-TLS off or on, and the
 * bare server's, which loads no TLS, not at all.
 */
export const NODE_ENVIRONMENT_OVERRIDES = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'] as const;

/** `env` without {@link NODE_ENVIRONMENT_OVERRIDES}: the environment every measured process gets. */
export function benchEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of NODE_ENVIRONMENT_OVERRIDES) delete out[name];
  return out;
}

/** Starts processes and remembers them, so that all can be stopped on failure or Ctrl-C. */
export class ProcessGroup {
  private readonly running = new Set<BenchProcess>();

  /** @param env - the processes' environment, {@link benchEnv} by default */
  constructor(private readonly env: NodeJS.ProcessEnv = benchEnv()) {}

  /** Spawn `argv` (no shell) with stdout/stderr captured into a tail buffer. */
  start(argv: readonly string[]): BenchProcess {
    const child = new SpawnedChild(argv, this.env);
    this.running.add(child);
    void child.exited.then(() => this.running.delete(child));
    return child;
  }

  /** Stop every process still running. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((child) => child.stop()));
  }
}

/** One line describing how a process ended, for error messages. */
export function describeExit(exit: Exit): string {
  if (exit.error !== undefined) return `could not start: ${exit.error.message}`;
  return exit.signal === null ? `exited with code ${String(exit.code)}` : `was killed by ${exit.signal}`;
}
