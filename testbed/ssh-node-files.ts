/**
 * The files of a test-bed SSH node (testbed/ssh-node.ts), as text (pure):
 * sshd's config, the script that sets up the node's mount namespace and runs
 * sshd, and the agent command the fleet runs on the node.
 */

/** Where every node's ostree sysroot is, inside its own mount namespace (the fleet file's `remote.sysroot`). */
export const NODE_SYSROOT = '/run/ica-fleet-node/sysroot';

/** The node's port for SSH. */
export const NODE_SSH_PORT = 22;

/** What sshd's config names. */
export interface SshdConfigSpec {
  readonly address: string;
  readonly port: number;
  readonly hostKey: string;
  readonly authorizedKeys: string;
  /** Set in every session (sshd's SetEnv): how the agent command finds the node's test-bed files. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * sshd_config of a node: its own address, port, host key and authorized key
 * file; keys only (no password, no PAM), root allowed with a key (the test
 * bed's nodes have no `core` user); no agent or port forwarding.
 * StrictModes is off because the files are in a test directory below /tmp.
 */
export function sshdConfig(spec: SshdConfigSpec): string {
  return [
    '# sshd of a test-bed SSH node (testbed/ssh-node.ts)',
    `ListenAddress ${spec.address}`,
    `Port ${spec.port}`,
    `HostKey ${spec.hostKey}`,
    `AuthorizedKeysFile ${spec.authorizedKeys}`,
    'PidFile none',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PrintMotd no',
    'AllowAgentForwarding no',
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'LogLevel VERBOSE',
    // One SetEnv line: for sshd, the first SetEnv line wins and later ones are ignored (sshd_config(5)).
    ...(Object.keys(spec.env).length === 0
      ? []
      : [
          `SetEnv ${Object.entries(spec.env)
            .map(([name, value]) => `${name}="${value}"`)
            .join(' ')}`,
        ]),
    '',
  ].join('\n');
}

/** What the node's start script binds. */
export interface NodeStartSpec {
  /** The node's physical sysroot on this machine (bound at {@link NODE_SYSROOT}). */
  readonly sysroot: string;
  /** Bound over /proc/cmdline: the kernel command line of the node's current "boot". */
  readonly cmdlineFile: string;
  /** Bound over /proc/sys/kernel/random/boot_id. */
  readonly bootIdFile: string;
  readonly sshdConfig: string;
}

/**
 * The script run in the node's network namespace and private mount namespace
 * (testbed/confine.sh made it): it binds the node's sysroot at the fixed path
 * and its /proc/cmdline and boot id, then becomes sshd. Every session sshd
 * starts inherits these mounts; nothing is mounted outside the namespace.
 */
export function nodeStartScript(spec: NodeStartSpec): string {
  const q = shellQuote;
  return `#!/bin/sh
# A test-bed SSH node (testbed/ssh-node.ts), run inside its own namespaces.
set -eu
mount --bind ${q(spec.sysroot)} ${q(NODE_SYSROOT)}
mount --bind ${q(spec.cmdlineFile)} /proc/cmdline
mount --bind ${q(spec.bootIdFile)} /proc/sys/kernel/random/boot_id
exec /usr/sbin/sshd -D -e -f ${q(spec.sshdConfig)}
`;
}

/** What the agent command runs. */
export interface AgentCommandSpec {
  /** The checkout whose cli/index.ts runs (through its tsx, as the tests run it; the caller's working directory is kept). */
  readonly checkout: string;
  /** The node program. */
  readonly node: string;
  /**
   * A directory put first in PATH: the recent ostree's wrapper (testbed/ostree-tools.ts).
   * Outside /tmp and /var/tmp: the wrapper's root sees those, and there `ostree` would find the wrapper again.
   */
  readonly ostreeDir: string;
}

/** The session variables the agent command reads (set by each node's sshd). */
export const NODE_ENV = {
  /** The node's name in the test bed (in the event log). */
  name: 'ICA_TESTBED_NODE_NAME',
  /** The node's directory: `reboot-requests` is there. */
  dir: 'ICA_TESTBED_NODE_DIR',
  /** A log shared by the nodes and the test (optional): one line per event, in order. */
  events: 'ICA_TESTBED_EVENTS',
} as const;

/** The file in the node's directory with one line per reboot the product asked for. */
export const REBOOT_REQUESTS = 'reboot-requests';

/**
 * The agent as a command on the nodes (the fleet file's `remote.command`):
 * this checkout's CLI, with forky's ostree as the node's `ostree` (a Fedora
 * CoreOS node has a recent one; Debian 12's lacks `admin set-default`).
 *
 * The reboot request: on a running node `reprovision apply --now` reboots it
 * (systemctl reboot). A test-bed node's sysroot is not running, so the
 * product switches at once and reboots nothing; when such an apply succeeds
 * this script records the reboot it stands for in the node's
 * {@link REBOOT_REQUESTS}, which the test bed's reboot double serves
 * (testbed/ssh-node.ts). Each `reprovision` run is also logged as an event.
 */
export function agentCommandScript(spec: AgentCommandSpec): string {
  if (/^\/(var\/)?tmp(\/|$)/.test(spec.ostreeDir)) {
    throw new Error(
      `the ostree wrapper's directory ${spec.ostreeDir} is under /tmp or /var/tmp, which its root also sees: put it elsewhere (e.g. under /run)`,
    );
  }
  const q = shellQuote;
  return `#!/bin/sh
# ironic-coreos-agent on a test-bed SSH node (testbed/ssh-node.ts): this checkout's CLI
PATH=${q(spec.ostreeDir)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
event() { if [ -n "\${${NODE_ENV.events}:-}" ]; then printf '%s %s\\n' "\${${NODE_ENV.name}:-?}" "$*" >> "$${NODE_ENV.events}"; fi; }
case " $* " in *" reprovision "*) event "$*" ;; esac
code=0
${q(spec.node)} --import ${q(`${spec.checkout}/node_modules/tsx/dist/loader.mjs`)} ${q(`${spec.checkout}/cli/index.ts`)} "$@" || code=$?
now=no
case " $* " in *" reprovision apply "*) case " $* " in *" --now "*) now=yes ;; esac ;; esac
if [ "$now" = yes ] && [ "$code" = 0 ] && [ -n "\${${NODE_ENV.dir}:-}" ]; then
  event "reboot requested"
  echo reboot >> "$${NODE_ENV.dir}/${REBOOT_REQUESTS}"
fi
exit "$code"
`;
}

/** Quote one word for sh (pure). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:,@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
