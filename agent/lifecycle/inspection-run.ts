/**
 * Run inspection once at startup, before lookup (IPA agent.run() calls
 * inspector.inspect() before lookup_node, so that the node is known by its
 * MACs). Shared by the normal mode and the inspection-only mode.
 */
import { hostname } from 'node:os';
import type { AxiosInstance } from 'axios';
import type { AgentConfig } from '../../common/agent-config/types.js';
import type { AgentCore } from './core.js';
import type { Clock } from '../../common/clock.js';
import { createInspectionCollector } from '../ironic/inspection-data.js';
import { inspect, inspectionUrls } from '../ironic/inspection.js';
import { bootifToMac } from '../config/cmdline.js';
import { waitForDhcp } from './dhcp-wait.js';
import { guessRootDisk } from '../hardware/root-device-hints/match.js';

/** True when `inspection_callback_url` names somewhere to post inspection data. */
export function inspectionConfigured(config: Pick<AgentConfig, 'inspectionCallbackUrl'>): boolean {
  return inspectionUrls(config.inspectionCallbackUrl, []).length > 0;
}

/**
 * Collect and post the inspection data when `inspection_callback_url` is set.
 * Never throws for inspection failures (IPA logs them and goes on).
 * @returns the node UUID Ironic answered with, or null
 */
export async function runInspection(core: AgentCore, http: AxiosInstance, clock: Clock): Promise<string | null> {
  const { config, logger } = core;
  if (!inspectionConfigured(config)) return null;
  if (config.collectLldp)
    logger.info(
      'collect_lldp is set, but this agent does not listen for LLDP: inventory interfaces report lldp as null',
    );
  const collectData = createInspectionCollector({
    runner: core.runner,
    fs: core.fs,
    logger: logger.child({ module: 'inspection' }),
    collectorNames: config.inspectionCollectors,
    paths: { cmdline: config.cmdlinePath, hostRoot: config.rootMount },
    sources: {
      waitForDhcp: async () => {
        await waitForDhcp({
          runner: core.runner,
          clock,
          logger,
          timeoutSec: config.inspectionDhcpWaitTimeout,
          allInterfaces: config.inspectionDhcpAllInterfaces,
          pxeMac: config.bootif === null ? null : bootifToMac(config.bootif),
        });
      },
      inventory: () => core.dispatcher.dispatch('listHardwareInfo'),
      rootDisk: (inventory) => guessRootDisk(inventory.disks),
      managers: () => core.dispatcher.active.map(({ manager }) => ({ name: manager.name, version: manager.version })),
      logs: () => core.systemLogs(),
    },
  });
  logger.info('Starting inspection', { hostname: hostname() });
  return inspect({
    http,
    callbackUrl: config.inspectionCallbackUrl,
    apiUrls: config.apiUrls,
    collectData,
    clock,
    logger: logger.child({ module: 'inspection' }),
    requestId: config.globalRequestId,
    timeoutMs: config.httpRequestTimeout * 1000,
  });
}
