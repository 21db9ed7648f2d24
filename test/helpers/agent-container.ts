/**
 * Waiting for the agent that runs in a container of the image under test
 * (test/container/image.test.ts), and running agent code against the image's tools.
 */
import { createServer, type AddressInfo } from 'node:net';
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
