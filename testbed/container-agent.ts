/**
 * Start the agent under test as a CONTAINER on a test node, the way
 * ironic-agent.service starts it on a CoreOS live ISO: the production
 * `podman run` argv (container/podman-args.ts) with only the host paths
 * swapped for the test's, run through the node's confinement so that
 * `--network host` is the node's namespace, `-v /sys:/sys` shows the node's
 * interfaces and `-v /dev:/dev` holds only the node's test disks.
 *
 * `ip netns exec` remounts /sys, which hides the cgroup mounts runc needs;
 * testbed/with-cgroups.sh mounts the same hierarchies again before podman runs.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTAINER_NAME, DEFAULT_ROOT_MOUNT, HOST_CONF_PATH, STATE_DIR } from '../container/paths.js';
import { podmanRunArgv, podmanStopArgv } from '../container/podman-args.js';
import { renderAgentConf } from '../ignition/build/agent-conf.js';
import type { Runner } from '../common/exec/runner.js';
import type { ExecResult, TestNode } from './node.js';
import type { SpawnedProcess } from './spawned.js';

/** The script that restores the cgroup mounts inside the confinement. */
export const WITH_CGROUPS_SCRIPT = fileURLToPath(new URL('./with-cgroups.sh', import.meta.url));

/** The test's kernel command line (BOOTIF) inside the container (`--cmdline-path`). */
export const CONTAINER_CMDLINE = '/etc/ironic-coreos-agent-test/cmdline';

/** Host paths standing in for the production unit's volume sources. */
export interface HostPaths {
  /** Replaces `/` (the host root, mounted at /mnt/coreos). */
  hostRoot: string;
  /** Replaces HOST_CONF_PATH (the agent conf, mounted read-only into the config dir). */
  confFile: string;
  /** Replaces `/run/udev` (this machine has no udev: an empty directory). */
  udevDir: string;
  /** Replaces the host's STATE_DIR (the agent's per-boot state, readable by the test). */
  stateDir: string;
}

/** What {@link containerAgentArgv} needs. */
export interface ContainerAgentArgvOptions extends HostPaths {
  image: string;
  /** Container name (instead of the production `ironic-agent`, so runs cannot collide). */
  name: string;
  /** Extra `-v` values (`src:dst[:opts]`) for test-only files. */
  extraVolumes: readonly string[];
  /** Agent flags, after the image and the unit's `agent` subcommand. */
  agentArgs: readonly string[];
}

/** Volume sources of the production unit that pass through unchanged: the confinement provides them. */
const KEPT_SOURCES = new Set(['/dev', '/sys']);

/** The unit's `podman run` argv for `image` (no pull secret, no CA, host root at the default /mnt/coreos). */
export function productionRunArgv(image: string): string[] {
  return podmanRunArgv({ image, tlsVerify: true, authfile: false, caFile: false, rootMount: DEFAULT_ROOT_MOUNT });
}

/**
 * The production `podman run` argv with the volume sources and the name
 * swapped, test volumes added before the image and agent flags after it.
 * @param production - the argv to adapt; default {@link productionRunArgv}
 * @throws Error when the production argv mounts a source this mapping does not
 *   know, or no longer mounts one it does (a changed unit needs a decision here)
 */
export function containerAgentArgv(
  options: ContainerAgentArgvOptions,
  production: readonly string[] = productionRunArgv(options.image),
): string[] {
  const replaced = new Map([
    ['/', options.hostRoot],
    [HOST_CONF_PATH, options.confFile],
    ['/run/udev', options.udevDir],
    [STATE_DIR, options.stateDir],
  ]);
  const unused = new Set(replaced.keys());
  let named = false;
  const argv = production.map((arg, index) => {
    const flag = production[index - 1];
    if (flag === '--name' && arg === CONTAINER_NAME) {
      named = true;
      return options.name;
    }
    if (flag !== '-v') return arg;
    const [source = '', ...rest] = arg.split(':');
    if (KEPT_SOURCES.has(source)) return arg;
    const mapped = replaced.get(source);
    if (mapped === undefined)
      throw new Error(
        `The production podman argv mounts ${source}, which the test bed does not map: extend containerAgentArgv`,
      );
    unused.delete(source);
    return [mapped, ...rest].join(':');
  });
  if (!named)
    throw new Error(
      `The production podman argv does not name the container ${CONTAINER_NAME}: update containerAgentArgv`,
    );
  if (unused.size > 0)
    throw new Error(`The production podman argv no longer mounts ${[...unused].join(', ')}: update containerAgentArgv`);
  const imageAt = argv.lastIndexOf(options.image);
  if (imageAt < 0) throw new Error(`The production podman argv does not name the image ${options.image}`);
  const volumes = options.extraVolumes.flatMap((volume) => ['-v', volume]);
  return [...argv.slice(0, imageAt), ...volumes, ...argv.slice(imageAt), ...options.agentArgs];
}

/** `argv` run through testbed/with-cgroups.sh (for the confinement, where podman needs cgroup mounts). */
function withCgroups(argv: readonly string[]): string[] {
  return ['/bin/bash', WITH_CGROUPS_SCRIPT, '--', ...argv];
}

/**
 * Run `podman <args>` in the node's confinement. Needed for `exec` and
 * `healthcheck run`: with `--network host` the container has no network
 * namespace of its own, so runc starts an exec'd process in its CALLER's
 * network namespace (in the root namespace, the healthcheck would probe this
 * machine's loopback instead of the node's). On a live ISO the caller is on
 * the host network, which is the node's namespace here.
 * @returns exit code and output; a non-zero exit code does not throw
 */
export function podmanInNode(
  node: TestNode,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ExecResult> {
  return node.exec(withCgroups(['podman', ...args]), { env, timeoutMs });
}

/** Options of {@link startContainerAgent}. */
export interface StartContainerAgentOptions {
  /** The agent image. */
  image: string;
  /** Container name. */
  name: string;
  /** Ironic API URL: written into the agent conf as `api_url`, as `ignition build` does. */
  apiUrl: string;
  /** Directory for this boot's conf, cmdline, state dir and empty udev dir. */
  dir: string;
  /** The test host root (HostRoot.root), mounted at /mnt/coreos. */
  hostRoot: string;
  /** Environment of every podman call (CONTAINERS_CONF). */
  podmanEnv: Record<string, string>;
  /** Extra agent flags. */
  extraArgs?: readonly string[];
  /** Log file name (without .log) in the node's directory. Default `container-agent`. */
  logName?: string;
}

/** An agent container running on a test node. */
export interface RunningContainerAgent {
  /** The foreground `podman run` (its log holds the container's output). */
  process: SpawnedProcess;
  /** Container name. */
  name: string;
  /** `<nodeIp>:9999`. */
  address: string;
  /** The bind-mounted state dir on the host (agent-state.json, agent.crt). */
  stateDir: string;
  /** The podman argv that was run inside the confinement. */
  argv: readonly string[];
}

/** Write the boot's files (conf 0600, cmdline with BOOTIF, state dir 0700, empty udev dir). */
function writeBootFiles(
  node: TestNode,
  options: StartContainerAgentOptions,
): HostPaths & { stateDir: string; cmdline: string } {
  const stateDir = join(options.dir, 'state');
  const udevDir = join(options.dir, 'udev');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  mkdirSync(udevDir, { recursive: true });
  const confFile = join(options.dir, 'ironic-python-agent.conf');
  const conf = renderAgentConf({
    apiUrls: [options.apiUrl],
    inspectionUrls: [],
    insecure: false,
    cafile: null,
    extra: [],
  });
  writeFileSync(confFile, conf, { mode: 0o600 });
  const cmdline = join(options.dir, 'cmdline');
  writeFileSync(cmdline, `BOOTIF=01-${node.mac.replaceAll(':', '-')}\n`);
  return { hostRoot: options.hostRoot, confFile, udevDir, stateDir, cmdline };
}

/**
 * Start the agent container in the node's confinement, in the foreground like
 * systemd runs it. The confinement binds the node's /dev (and masked /sys)
 * into the host root, as on the live ISO. Use {@link stopContainerAgent}.
 */
export async function startContainerAgent(
  node: TestNode,
  options: StartContainerAgentOptions,
): Promise<RunningContainerAgent> {
  const files = writeBootFiles(node, options);
  const argv = containerAgentArgv({
    ...files,
    image: options.image,
    name: options.name,
    extraVolumes: [`${files.cmdline}:${CONTAINER_CMDLINE}:ro`],
    agentArgs: [
      '--cmdline-path',
      CONTAINER_CMDLINE,
      '--device-allowlist',
      node.disks.map((d) => d.device).join(','),
      '--advertise-host',
      node.nodeIp,
      '--network-interface',
      'eth0',
      '--lookup-interval',
      '1',
      '--debug',
      ...(options.extraArgs ?? []),
    ],
  });
  const spawned = await node.spawnAgent(withCgroups(argv), {
    hostRoot: options.hostRoot,
    env: options.podmanEnv,
    logName: options.logName ?? 'container-agent',
  });
  return { process: spawned, name: options.name, address: `${node.nodeIp}:9999`, stateDir: files.stateDir, argv };
}

/**
 * Stop the container with the production unit's ExecStop (`podman stop`,
 * SIGTERM then SIGKILL after 10 s), wait for the foreground `podman run` to
 * remove it (`--rm`), and as a last resort `podman rm -f` it. Idempotent.
 * @param runner - runs podman in this (the root) namespace
 * @param env - the podman environment (CONTAINERS_CONF)
 */
export async function stopContainerAgent(
  agent: RunningContainerAgent,
  runner: Runner,
  env: Record<string, string>,
): Promise<void> {
  const stop = podmanStopArgv().map((arg) => (arg === CONTAINER_NAME ? agent.name : arg));
  const anyExit = { okExitCodes: Array.from({ length: 256 }, (_, i) => i), env };
  await runner.run(stop, anyExit);
  await agent.process.stop(15_000);
  await runner.run(['podman', 'rm', '--force', '--ignore', '--time', '0', agent.name], anyExit);
}
