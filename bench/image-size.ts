/**
 * Prints the agent image size next to the size of the Node runtime binary in
 * it, and what else takes room (base image, node_modules, dist).
 *
 *   node --import tsx bench/image-size.ts                # build a fresh image, measure, remove it
 *   node --import tsx bench/image-size.ts --image REF    # measure an existing image
 *   node --import tsx bench/image-size.ts --keep         # keep the image it built
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildAgentImage } from '../test/helpers/agent-image.js';
import { createPodman, type Podman } from '../test/helpers/podman.js';

/** Bytes as MB with one decimal. */
function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** `podman image inspect` size of `ref`. */
async function imageSize(podman: Podman, ref: string): Promise<number> {
  return Number((await podman.run(['image', 'inspect', '--format', '{{.Size}}', ref])).stdout.trim());
}

/** Sizes in bytes of paths inside the image (`du -sb`). */
async function sizesInImage(podman: Podman, ref: string, paths: readonly string[]): Promise<Map<string, number>> {
  const result = await podman.run(['run', '--rm', '--entrypoint', 'du', ref, '-sb', ...paths]);
  const sizes = new Map<string, number>();
  for (const line of result.stdout.trim().split('\n')) {
    const [size, path] = line.split('\t');
    if (size !== undefined && path !== undefined) sizes.set(path, Number(size));
  }
  return sizes;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { image: { type: 'string' }, keep: { type: 'boolean' } } });
  const dir = await mkdtemp('/var/tmp/ign-bench-');
  const podman = await createPodman(dir);
  const ref = values.image ?? `localhost/ironic-coreos-agent-bench:${randomBytes(4).toString('hex')}`;
  try {
    let buildSeconds: number | null = null;
    if (values.image === undefined) {
      const start = Date.now();
      await buildAgentImage(podman, ref, dir);
      buildSeconds = (Date.now() - start) / 1000;
    }
    const total = await imageSize(podman, ref);
    const paths = ['/usr/local/bin/node', '/opt/ironic-coreos-agent/node_modules', '/opt/ironic-coreos-agent/dist'];
    const inside = await sizesInImage(podman, ref, paths);
    const node = inside.get('/usr/local/bin/node') ?? 0;
    const baseName = (await podman.run(['image', 'inspect', '--format', '{{index .Config.Labels "org.opencontainers.image.base.name"}}', ref])).stdout.trim();
    const base = baseName !== '' && (await podman.imageExists(baseName)) ? await imageSize(podman, baseName) : null;
    const rows: [string, string][] = [
      ['image', `${ref}`],
      ...(buildSeconds === null ? [] : [['build time', `${buildSeconds.toFixed(1)} s`] as [string, string]]),
      ['image size', mb(total)],
      ['node binary', mb(node)],
      ['image / node binary', `${(total / node).toFixed(2)}x`],
      ...(base === null ? [] : [[`base (${baseName})`, mb(base)] as [string, string]]),
      ['node_modules (production)', mb(inside.get('/opt/ironic-coreos-agent/node_modules') ?? 0)],
      ['dist', mb(inside.get('/opt/ironic-coreos-agent/dist') ?? 0)],
      ...(base === null ? [] : [['tools and the rest', mb(total - base - node - (inside.get('/opt/ironic-coreos-agent/node_modules') ?? 0) - (inside.get('/opt/ironic-coreos-agent/dist') ?? 0))] as [string, string]]),
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [key, value] of rows) process.stdout.write(`${key.padEnd(width)}  ${value}\n`);
  } finally {
    if (values.image === undefined && values.keep !== true) await podman.run(['rmi', '-f', ref], { okExitCodes: [0, 1, 125] });
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
