/**
 * The flags of openshift/ironic-agent-image's ignition/build.py that
 * `ignition build` spells differently: refused with a message naming ours,
 * rather than "unknown option".
 */
import { UsageError } from '../../common/cli/types.js';

/** `--tls` values of openshift's build.py and what they mean here. */
const BUILD_PY_TLS: Readonly<Record<string, string>> = {
  off: 'http is the default, so drop it',
  on: 'use --scheme https',
  insecure: 'use --scheme https --insecure',
};

/**
 * Refuse build.py's `--tls off|on|insecure` and `--option LINE`, naming ours.
 * @throws UsageError for either
 */
export function refuseBuildPyFlags(argv: readonly string[]): void {
  for (const [index, arg] of argv.entries()) {
    if (arg === '--') return;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (flag !== '--tls' && flag !== '--option') continue;
    const value = inline ?? argv[index + 1];
    if (flag === '--tls') {
      const advice = value === undefined ? undefined : BUILD_PY_TLS[value];
      throw new UsageError(
        `--tls is openshift build.py's flag; here ${advice ?? 'use --scheme https, adding --insecure to skip certificate verification'}`,
      );
    }
    const pair = value === undefined ? null : /^\s*([^=:\s]+)\s*[=:]\s*(.*?)\s*$/.exec(value);
    const example = pair === null ? '--agent-config KEY=VALUE' : `--agent-config ${pair[1] ?? ''}=${pair[2] ?? ''}`;
    throw new UsageError(
      `--option is openshift build.py's flag; here use ${example} (repeatable; checked against the agent's options)`,
    );
  }
}
