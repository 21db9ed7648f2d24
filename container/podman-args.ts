/**
 * The podman command lines of `ironic-agent.service`, as argv arrays.
 *
 * The container gets what the agent needs on bare metal: privileged, host
 * network (the agent advertises a host address to Ironic), the host's /dev,
 * /sys and udev database, the host UTS namespace (install_coreos reads the
 * hostname), and the host root at `--root-mount` for `chroot … coreos-installer`.
 */
import {
  AUTHFILE_PATH,
  CONTAINER_CA_PATH,
  CONTAINER_CONF_PATH,
  CONTAINER_NAME,
  DEFAULT_ROOT_MOUNT,
  HOST_CA_PATH,
  HOST_CONF_PATH,
  PODMAN,
  STATE_DIR,
} from './paths.js';

/** What the podman lines depend on. */
export interface PodmanSpec {
  /** Fully qualified image reference. */
  image: string;
  /** False adds `--tls-verify=false` to the pull (an insecure registry). */
  tlsVerify: boolean;
  /** Use the pull secret at AUTHFILE_PATH. */
  authfile: boolean;
  /** Mount the Ironic CA (HOST_CA_PATH) into the container. */
  caFile: boolean;
  /** Where the host root is mounted in the container. */
  rootMount: string;
}

/** `podman pull` for ExecStartPre: fetch the image before every start. */
export function podmanPullArgv(spec: PodmanSpec): string[] {
  return [
    PODMAN,
    'pull',
    ...(spec.tlsVerify ? [] : ['--tls-verify=false']),
    ...(spec.authfile ? [`--authfile=${AUTHFILE_PATH}`] : []),
    spec.image,
  ];
}

/** `-v host:container[:options]`. */
function volume(host: string, container: string, options?: string): string[] {
  return ['-v', options === undefined ? `${host}:${container}` : `${host}:${container}:${options}`];
}

/**
 * `podman run` for ExecStart: in the foreground (systemd supervises it),
 * removed on exit, replacing a stale container of the same name, never
 * pulling again (ExecStartPre just did).
 */
export function podmanRunArgv(spec: PodmanSpec): string[] {
  const agentArgs = spec.rootMount === DEFAULT_ROOT_MOUNT ? [] : ['--root-mount', spec.rootMount];
  return [
    PODMAN,
    'run',
    '--rm',
    '--replace',
    '--pull=never',
    '--privileged',
    '--network',
    'host',
    '--uts',
    'host',
    '--name',
    CONTAINER_NAME,
    ...volume(HOST_CONF_PATH, CONTAINER_CONF_PATH, 'ro'),
    ...(spec.caFile ? volume(HOST_CA_PATH, CONTAINER_CA_PATH, 'ro') : []),
    ...volume('/dev', '/dev'),
    ...volume('/sys', '/sys'),
    ...volume('/run/udev', '/run/udev'),
    ...volume(STATE_DIR, STATE_DIR),
    ...volume('/', spec.rootMount),
    spec.image,
    // The image's entrypoint is the CLI; the subcommand comes first.
    'agent',
    ...agentArgs,
  ];
}

/** `podman stop` for ExecStop: SIGTERM, then SIGKILL after 10 s; no error when already gone. */
export function podmanStopArgv(): string[] {
  return [PODMAN, 'stop', '--ignore', '--time=10', CONTAINER_NAME];
}
