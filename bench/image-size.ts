/**
 * Prints the agent image size next to the size of the Node runtime binary in
 * it, what else takes room (shared libraries, the agent's bundle, the tools)
 * and the verdict against issue 12's 150 MiB; then the size of the opt-in
 * burn-in variant (`--build-arg BURNIN=true`). The image is `FROM scratch` with
 * no du (nor ls, grep): the image's own node adds the sizes up.
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

/** Bytes as MiB with one decimal (the unit of issue 12's 150 MiB ceiling). */
function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** `podman image inspect` size of `ref`. */
async function imageSize(podman: Podman, ref: string): Promise<number> {
  return Number((await podman.run(['image', 'inspect', '--format', '{{.Size}}', ref])).stdout.trim());
}

/** Node code run inside the image: `{path: bytes}` of the trees in argv, symlinks not followed (as `du -sb`). */
const SIZES_SCRIPT = `
const { lstatSync, readdirSync } = require('node:fs');
const size = (p) => { const s = lstatSync(p); return s.isDirectory() ? readdirSync(p).reduce((n, e) => n + size(p + '/' + e), s.size) : s.size; };
console.log(JSON.stringify(Object.fromEntries(process.argv.slice(1).map((p) => { try { return [p, size(p)]; } catch { return [p, 0]; } }))));
`;

/** Sizes in bytes of paths inside the image (0 for a missing one). */
async function sizesInImage(podman: Podman, ref: string, paths: readonly string[]): Promise<Map<string, number>> {
  const result = await podman.run([
    'run',
    '--rm',
    '--entrypoint',
    '/usr/local/bin/node',
    ref,
    '-e',
    SIZES_SCRIPT,
    ...paths,
  ]);
  return new Map(Object.entries(JSON.parse(result.stdout) as Record<string, number>));
}

/** Issue 12's ceiling for the image: 150 MiB. */
export const TARGET_IMAGE_BYTES = 150 * 2 ** 20;

/** Options of {@link measureImageSize}. */
export interface ImageSizeOptions {
  /** Measure this existing image instead of building one (and no burn-in variant). */
  image?: string;
  /** Keep the images that were built. Default false (they are removed). */
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
  /** Shared libraries (/usr/lib, /usr/lib64) of node and the tools. */
  libraryBytes: number;
  /** /opt/ironic-coreos-agent: the bundle, its compile cache and package.json (node_modules if any). */
  agentBytes: number;
  /** /opt/ironic-coreos-agent/node_modules (0 since the image ships the bundle). */
  nodeModulesBytes: number;
  /** The image built with `--build-arg BURNIN=true` (stress-ng), when one was built. */
  burnin: { image: string; imageBytes: number } | null;
}

/** Build (unless `options.image` is given) and measure the agent image. */
export async function measureImageSize(options: ImageSizeOptions): Promise<ImageSizeReport> {
  const dir = await mkdtemp('/var/tmp/ign-bench-');
  const podman = await createPodman(dir);
  const tag = randomBytes(4).toString('hex');
  const ref = options.image ?? `localhost/ironic-coreos-agent-bench:${tag}`;
  const burninRef = `localhost/ironic-coreos-agent-bench:${tag}-burnin`;
  try {
    let buildSeconds: number | null = null;
    let burnin: ImageSizeReport['burnin'] = null;
    if (options.image === undefined) {
      const start = Date.now();
      await buildAgentImage(podman, ref, dir);
      buildSeconds = (Date.now() - start) / 1000;
      await buildAgentImage(podman, burninRef, dir, { burnin: true });
      burnin = { image: burninRef, imageBytes: await imageSize(podman, burninRef) };
    }
    const total = await imageSize(podman, ref);
    const paths = {
      node: '/usr/local/bin/node',
      lib: '/usr/lib',
      lib64: '/usr/lib64',
      agent: '/opt/ironic-coreos-agent',
      nodeModules: '/opt/ironic-coreos-agent/node_modules',
    };
    const inside = await sizesInImage(podman, ref, Object.values(paths));
    return {
      benchmark: 'image-size',
      image: ref,
      buildSeconds,
      imageBytes: total,
      nodeBinaryBytes: inside.get(paths.node) ?? 0,
      libraryBytes: (inside.get(paths.lib) ?? 0) + (inside.get(paths.lib64) ?? 0),
      agentBytes: inside.get(paths.agent) ?? 0,
      nodeModulesBytes: inside.get(paths.nodeModules) ?? 0,
      burnin,
    };
  } finally {
    if (options.image === undefined && options.keep !== true)
      await podman.run(['rmi', '-f', ref, burninRef], { okExitCodes: [0, 1, 125] });
    await rm(dir, { recursive: true, force: true });
  }
}

/** The report as `key  value` lines. */
export function renderImageSize(report: ImageSizeReport): string {
  const rest = report.imageBytes - report.nodeBinaryBytes - report.libraryBytes - report.agentBytes;
  const rows: [string, string][] = [
    ['image', report.image],
    ...(report.buildSeconds === null
      ? []
      : [['build time', `${report.buildSeconds.toFixed(1)} s`] as [string, string]]),
    ['image size', `${mb(report.imageBytes)} (${mib(report.imageBytes)})`],
    ['node binary (stripped)', mb(report.nodeBinaryBytes)],
    ['image / node binary', `${(report.imageBytes / report.nodeBinaryBytes).toFixed(2)}x`],
    ['shared libraries', mb(report.libraryBytes)],
    ['agent (bundle, compile cache, package.json)', mb(report.agentBytes)],
    ['  of which node_modules', mb(report.nodeModulesBytes)],
    ['tools and the rest', mb(rest)],
    [
      'target: at most 150 MiB',
      `${report.imageBytes <= TARGET_IMAGE_BYTES ? 'met' : 'NOT met'} (${mib(report.imageBytes)})`,
    ],
    ...(report.burnin === null
      ? []
      : [
          [
            'with --build-arg BURNIN=true',
            `${mb(report.burnin.imageBytes)} (${mib(report.burnin.imageBytes)}), ` +
              `+${mb(report.burnin.imageBytes - report.imageBytes)} for stress-ng (opt-in, no target)`,
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
