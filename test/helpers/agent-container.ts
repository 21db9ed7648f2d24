/**
 * Waiting for the agent that runs in a container of the image under test
 * (test/container/image.test.ts).
 */
import { createServer, type AddressInfo } from 'node:net';
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
