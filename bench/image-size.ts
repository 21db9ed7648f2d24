/**
 * Prints the agent image size next to the size of the Node runtime binary in
 * it, and what else takes room (base image, node_modules, dist).
 *
 *   node --import tsx bench/image-size.ts                # build a fresh image, measure, remove it
 *   node --import tsx bench/image-size.ts --image REF    # measure an existing image
 *   node --import tsx bench/image-size.ts --keep         # keep the image it built
 *   node --import tsx bench/run.ts image-size [--json]   # the same through the bench entry
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildAgentImage } from '../testbed/agent-image.js';
import { createPodman, type Podman } from '../testbed/podman.js';

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

/** Options of {@link measureImageSize}. */
export interface ImageSizeOptions {
  /** Measure this existing image instead of building one. */
  image?: string;
  /** Keep the image that was built. Default false (it is removed). */
  keep?: boolean;
}

/** What {@link measureImageSize} found (sizes in bytes). */
export interface ImageSizeReport {
  benchmark: 'image-size';
  image: string;
  /** Seconds the build took, or null when an existing image was measured. */
  buildSeconds: number | null;
  imageBytes: number;
  nodeBinaryBytes: number;
  /** The base image (from its org.opencontainers.image.base.name label), when present locally. */
  base: { name: string; bytes: number } | null;
  nodeModulesBytes: number;
  distBytes: number;
}

/** Build (unless `options.image` is given) and measure the agent image. */
export async function measureImageSize(options: ImageSizeOptions): Promise<ImageSizeReport> {
  const dir = await mkdtemp('/var/tmp/ign-bench-');
  const podman = await createPodman(dir);
  const ref = options.image ?? `localhost/ironic-coreos-agent-bench:${randomBytes(4).toString('hex')}`;
  try {
    let buildSeconds: number | null = null;
    if (options.image === undefined) {
      const start = Date.now();
      await buildAgentImage(podman, ref, dir);
      buildSeconds = (Date.now() - start) / 1000;
    }
    const total = await imageSize(podman, ref);
    const paths = ['/usr/local/bin/node', '/opt/ironic-coreos-agent/node_modules', '/opt/ironic-coreos-agent/dist'];
    const inside = await sizesInImage(podman, ref, paths);
    const baseName = (
      await podman.run([
        'image',
        'inspect',
        '--format',
        '{{index .Config.Labels "org.opencontainers.image.base.name"}}',
        ref,
      ])
    ).stdout.trim();
    const base =
      baseName !== '' && (await podman.imageExists(baseName))
        ? { name: baseName, bytes: await imageSize(podman, baseName) }
        : null;
    return {
      benchmark: 'image-size',
      image: ref,
      buildSeconds,
      imageBytes: total,
      nodeBinaryBytes: inside.get('/usr/local/bin/node') ?? 0,
      base,
      nodeModulesBytes: inside.get('/opt/ironic-coreos-agent/node_modules') ?? 0,
      distBytes: inside.get('/opt/ironic-coreos-agent/dist') ?? 0,
    };
  } finally {
    if (options.image === undefined && options.keep !== true)
      await podman.run(['rmi', '-f', ref], { okExitCodes: [0, 1, 125] });
    await rm(dir, { recursive: true, force: true });
  }
}

/** The report as `key  value` lines. */
export function renderImageSize(report: ImageSizeReport): string {
  const { base } = report;
  const rows: [string, string][] = [
    ['image', report.image],
    ...(report.buildSeconds === null
      ? []
      : [['build time', `${report.buildSeconds.toFixed(1)} s`] as [string, string]]),
    ['image size', mb(report.imageBytes)],
    ['node binary', mb(report.nodeBinaryBytes)],
    ['image / node binary', `${(report.imageBytes / report.nodeBinaryBytes).toFixed(2)}x`],
    ...(base === null ? [] : [[`base (${base.name})`, mb(base.bytes)] as [string, string]]),
    ['node_modules (production)', mb(report.nodeModulesBytes)],
    ['dist', mb(report.distBytes)],
    ...(base === null
      ? []
      : [
          [
            'tools and the rest',
            mb(report.imageBytes - base.bytes - report.nodeBinaryBytes - report.nodeModulesBytes - report.distBytes),
          ] as [string, string],
        ]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { image: { type: 'string' }, keep: { type: 'boolean' } } });
  const report = await measureImageSize({
    ...(values.image === undefined ? {} : { image: values.image }),
    ...(values.keep === undefined ? {} : { keep: values.keep }),
  });
  process.stdout.write(`${renderImageSize(report)}\n`);
}

// Run directly (`node --import tsx bench/image-size.ts`); bench/run.ts imports it instead.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
