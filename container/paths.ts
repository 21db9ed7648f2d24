/**
 * Fixed names and paths shared by the Ignition generator, the systemd unit and
 * the podman command line, on the host (the CoreOS live system) and inside the
 * agent container.
 */

/** The systemd unit that runs the agent container. */
export const UNIT_NAME = 'ironic-agent.service';
/** The container's name (`podman run --name`). */
export const CONTAINER_NAME = 'ironic-agent';
/** podman on Fedora CoreOS / RHCOS. */
export const PODMAN = '/usr/bin/podman';

/** The agent conf on the host (IPA and image-customization-controller use this path). */
export const HOST_CONF_PATH = '/etc/ironic-python-agent.conf';
/** The agent conf inside the container: part of the agent's `--config-dir`. */
export const CONTAINER_CONF_PATH = '/etc/ironic-python-agent/ignition.conf';

/**
 * The Ironic CA on the host. An anchor, so CoreOS adds it to the system trust
 * (coreos-update-ca-trust) and podman can pull from a registry it signed.
 */
export const HOST_CA_PATH = '/etc/pki/ca-trust/source/anchors/ironic-coreos-agent-ca.crt';
/** The Ironic CA inside the container, referenced as `cafile` in the conf. */
export const CONTAINER_CA_PATH = '/etc/ironic-coreos-agent/ca.crt';

/** The registry pull secret (`podman pull --authfile`), mode 0600. */
export const AUTHFILE_PATH = '/etc/ironic-coreos-agent/auth.json';
/** Proxy variables that carry credentials, as a systemd EnvironmentFile, mode 0600. */
export const PROXY_ENV_PATH = '/etc/ironic-coreos-agent/proxy.env';

/** Where the host root is mounted in the container by default (the agent's `--root-mount`). */
export const DEFAULT_ROOT_MOUNT = '/mnt/coreos';

/**
 * The agent's per-boot state dir (token, TLS certificate, command history,
 * install stamp), on the host's tmpfs and bind-mounted at the same path: the
 * container runs with --rm, so state kept inside it would die with it and a
 * restarted agent could neither reuse its token nor see its install stamp.
 */
export const STATE_DIR = '/run/ironic-coreos-agent';
