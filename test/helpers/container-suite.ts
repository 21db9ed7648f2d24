/**
 * The set-up of every suite that builds the agent image (test/container/):
 * a podman with its own scratch directory, or the suite skipped, saying why.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { debianBaseUnavailableReason } from '../../testbed/debian-base-image.js';
import { createPodman, podmanUnavailableReason, type Podman } from '../../testbed/podman.js';

/**
 * A podman in a new scratch directory under `prefix`, for a suite's `before`
 * hook; skips the suite (after saying why) for SKIP_CONTAINER_TESTS=1, a
 * missing podman or runc, or no Debian base image to build on.
 */
export async function imageSuitePodman(
  context: Mocha.Context,
  prefix: string,
): Promise<{ dir: string; podman: Podman }> {
  const reason =
    process.env['SKIP_CONTAINER_TESTS'] === '1' ? 'SKIP_CONTAINER_TESTS=1' : await podmanUnavailableReason();
  if (reason !== null) {
    console.log(`      skipped: ${reason}`);
    context.skip();
  }
  const dir = await mkdtemp(prefix);
  const podman = await createPodman(dir);
  const baseReason = await debianBaseUnavailableReason(podman);
  if (baseReason !== null) {
    await rm(dir, { recursive: true, force: true });
    console.log(`      skipped: ${baseReason}`);
    context.skip();
  }
  return { dir, podman };
}
