/**
 * Waiting for the agent that runs in a container of the image under test
 * (test/container/image.test.ts), and running agent code against the image's tools.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RunOptions, RunResult, Runner } from '../../common/exec/runner.js';
import type { Podman } from '../../testbed/podman.js';

/** A TCP port nobody listens on right now (the agent uses the host network). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Poll GET /v1/status until it answers, the container stops, or the deadline passes. */
export async function waitForStatus(
  podman: Podman,
  name: string,
  port: number,
  deadlineMs: number,
): Promise<{ status: number; body: unknown }> {
  const end = Date.now() + deadlineMs;
  let lastError = 'no attempt';
  while (Date.now() < end) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/v1/status`, { signal: AbortSignal.timeout(3000) });
      return { status: response.status, body: await response.json() };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    const state = await podman.run(['inspect', '--format', '{{.State.Running}}', name], { okExitCodes: [0, 125] });
    if (state.stdout.trim() !== 'true') {
      const logs = await podman.run(['logs', name], { okExitCodes: [0, 125] });
      throw new Error(`the agent container stopped before answering:\n${logs.stdout}${logs.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`GET /v1/status did not answer within ${deadlineMs} ms: ${lastError}`);
}

/** One command an {@link ImageRunner} ran, with what it wrote to stderr. */
export interface ImageRun {
  argv: readonly string[];
  exitCode: number | null;
  stderr: string;
}

/**
 * A Runner that runs each argv in a fresh container of the image (its first
 * word as the entrypoint), so agent code can drive the image's own tools as it
 * does in its container; `runs` records every call.
 */
export class ImageRunner implements Runner {
  readonly runs: ImageRun[] = [];

  constructor(
    private readonly podman: Podman,
    private readonly image: string,
  ) {}

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [command = '', ...args] = argv;
    try {
      // --no-healthcheck: podman would report on stderr that it cannot schedule the image's HEALTHCHECK.
      const result = await this.podman.run(
        ['run', '--rm', '--no-healthcheck', '--entrypoint', command, this.image, ...args],
        options,
      );
      this.runs.push({ argv, exitCode: result.exitCode, stderr: result.stderr });
      return result;
    } catch (error) {
      const e = error as { exitCode?: number | null; stderr?: string };
      this.runs.push({ argv, exitCode: e.exitCode ?? null, stderr: e.stderr ?? '' });
      throw error;
    }
  }
}

/** What {@link startStandaloneAgent} starts. */
export interface StandaloneAgent {
  image: string;
  /** The container's name. */
  name: string;
  /** Scratch directory for the fake host root (/mnt/coreos) and the conf directory. */
  workDir: string;
  token: string;
  port: number;
}

/**
 * Start the image's agent detached, the way ironic-agent.service runs it
 * (privileged, host network, /dev, /sys, a host root at /mnt/coreos), in
 * standalone mode with plain HTTP on 127.0.0.1:`port`.
 */
export async function startStandaloneAgent(podman: Podman, agent: StandaloneAgent): Promise<void> {
  const hostRoot = join(agent.workDir, 'host-root');
  const confDir = join(agent.workDir, 'conf');
  await mkdir(join(hostRoot, 'etc'), { recursive: true });
  await writeFile(join(hostRoot, 'etc', 'os-release'), 'ID=fedora\nVARIANT_ID=coreos\n');
  await mkdir(confDir, { recursive: true });
  await podman.run([
    'run',
    '-d',
    '--name',
    agent.name,
    '--privileged',
    '--network',
    'host',
    '-v',
    '/dev:/dev',
    '-v',
    '/sys:/sys',
    '-v',
    `${hostRoot}:/mnt/coreos`,
    '-v',
    `${confDir}:/etc/ironic-python-agent:ro`,
    agent.image,
    'agent',
    '--standalone',
    '--agent-token',
    agent.token,
    '--listen-port',
    String(agent.port),
    '--listen-host',
    '127.0.0.1',
    '--no-enable-auto-tls',
  ]);
}

/** `POST /v1/commands/?wait=true` to the agent on 127.0.0.1:`port`: the status and the command result. */
export async function postCommand(
  port: number,
  token: string,
  name: string,
  params: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(
    `http://127.0.0.1:${port}/v1/commands/?wait=true&agent_token=${encodeURIComponent(token)}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, params }),
      signal: AbortSignal.timeout(30_000),
    },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * What node's `NODE_DEBUG_NATIVE=COMPILE_CACHE` output says: the cache
 * directory it resolved, the modules it looked up in it and those whose entry
 * it accepted (node src/compile_cache.cc).
 */
export function compileCacheLog(stderr: string): { directory: string | null; loaded: string[]; accepted: string[] } {
  const lines = stderr.split('\n').filter((l) => l.startsWith('[compile cache] '));
  const all = (pattern: RegExp): string[] => lines.flatMap((l) => pattern.exec(l)?.[1] ?? []);
  return {
    directory: all(/^\[compile cache\] resolved path (\S+) \+ /)[0] ?? null,
    loaded: [...new Set(all(/^\[compile cache\] reading cache from \S+ for ESM (\S+?)\.\.\./))],
    accepted: all(/^\[compile cache\] cache for (\S+) was accepted/),
  };
}
