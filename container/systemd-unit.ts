/**
 * Renders `ironic-agent.service`, the unit that runs the agent container on
 * the live ISO. Port of the unit in openshift/ironic-agent-image and
 * image-customization-controller, with these choices:
 * - `Restart=on-failure`, `RestartSec=5` and `StartLimitIntervalSec=0`: the
 *   agent exits non-zero when lookup times out, and systemd must bring it
 *   back however often that happens;
 * - `TimeoutStartSec=0`: pulling a large image on a slow link may take long;
 * - every command line is quoted for systemd (container/systemd-quote.ts).
 */
import { PROXY_ENV_PATH, STATE_DIR } from './paths.js';
import { podmanPullArgv, podmanRunArgv, podmanStopArgv, type PodmanSpec } from './podman-args.js';
import type { EnvPair } from './proxy-env.js';
import { quoteEnvironment, quoteExecArgv } from './systemd-quote.js';

/** What the unit depends on. */
export interface AgentUnitSpec extends PodmanSpec {
  /** Variables set with `Environment=` (no secrets). */
  environment: readonly EnvPair[];
  /** Also read variables from PROXY_ENV_PATH (proxy credentials). */
  environmentFile: boolean;
}

/**
 * The unit file text.
 * @throws ConfigError when a variable name or the podman path is invalid
 */
export function renderAgentUnit(spec: AgentUnitSpec): string {
  const service = [
    ...spec.environment.map(([name, value]) => `Environment=${quoteEnvironment(name, value)}`),
    ...(spec.environmentFile ? [`EnvironmentFile=${PROXY_ENV_PATH}`] : []),
    'TimeoutStartSec=0',
    'Restart=on-failure',
    'RestartSec=5',
    `ExecStartPre=${quoteExecArgv(['/usr/bin/install', '-d', '-m', '0700', STATE_DIR])}`,
    `ExecStartPre=${quoteExecArgv(podmanPullArgv(spec))}`,
    `ExecStart=${quoteExecArgv(podmanRunArgv(spec))}`,
    `ExecStop=${quoteExecArgv(podmanStopArgv())}`,
  ];
  return [
    '# Written by "ironic-coreos-agent ignition build".',
    '[Unit]',
    'Description=Ironic agent (ironic-coreos-agent container)',
    'After=network-online.target',
    'Wants=network-online.target',
    '# Keep restarting: the agent exits non-zero when lookup times out.',
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    ...service,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
