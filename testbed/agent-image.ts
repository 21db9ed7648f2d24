/**
 * Builds the project's Dockerfile with podman on the locally debootstrapped
 * Debian base (see debian-base-image.ts), for the container tests and the
 * image-size bench. No container registry is involved.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianBase } from './debian-base-image.js';
import type { Podman } from './podman.js';

/** The project root (where package.json is). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The build context: the project root, or AGENT_IMAGE_CONTEXT (another
 * checkout, e.g. a clean `git archive` export of a busy working tree).
 */
export function buildContext(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['AGENT_IMAGE_CONTEXT'];
  return override !== undefined && override !== '' ? override : PROJECT_ROOT;
}

/** The version in package.json (passed as the image's VERSION label). */
export async function projectVersion(): Promise<string> {
  return (JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * CA bundle handed to the build's npm steps as the `extra_ca` secret (needed
 * behind a TLS-intercepting proxy; never stored in a layer), or null.
 */
export async function buildCaBundle(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  for (const candidate of [env['NODE_EXTRA_CA_CERTS'], '/etc/ssl/certs/ca-certificates.crt']) {
    if (candidate === undefined || candidate === '') continue;
    try {
      await access(candidate);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return null;
}

/**
 * Build the agent image as `tag`. Uses `--layers=false` so no intermediate
 * images are left behind (removing `tag` cleans up everything), and the
 * docker format so HEALTHCHECK is kept.
 * @param workDir - scratch space for the base image build
 * @param options - `burnin`: build with `--build-arg BURNIN=true` (stress-ng for the burn-in steps)
 * @returns the base image tag used
 * @throws ProcessError when the build fails
 */
export async function buildAgentImage(
  podman: Podman,
  tag: string,
  workDir: string,
  options: { burnin?: boolean } = {},
): Promise<string> {
  const base = await ensureDebianBase(podman, workDir);
  const ca = await buildCaBundle();
  const context = buildContext();
  await podman.run(
    [
      'build',
      '--layers=false',
      '--format',
      'docker',
      '--network',
      'host',
      '--build-arg',
      `BASE_IMAGE=${base}`,
      '--build-arg',
      `VERSION=${await projectVersion()}`,
      '--build-arg',
      `BURNIN=${options.burnin === true}`,
      ...(ca === null ? [] : ['--secret', `id=extra_ca,src=${ca}`]),
      '-t',
      tag,
      '-f',
      join(context, 'Dockerfile'),
      context,
    ],
    { timeoutMs: 25 * 60_000 },
  );
  return base;
}
