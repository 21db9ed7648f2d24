/**
 * Assembly of the inspection body (IPA's collectors `default` and `logs`).
 * The hardware pieces are injected, so this module does not depend on the
 * hardware managers. Port of IPA inspector.collect_default / collect_logs and
 * utils.AccumulatedFailures.
 */
import type { Logger } from '../logger.js';

/** Collectors this agent implements. */
export const SUPPORTED_COLLECTORS: readonly string[] = ['default', 'logs'];
/** IPA's default `inspection_collectors`. */
export const DEFAULT_COLLECTORS: readonly string[] = ['default', 'logs'];

/** A hardware manager as reported in `configuration.managers`. */
export interface ManagerVersion {
  name: string;
  version: string;
}

/** Where the pieces of the body come from. */
export interface InspectionSources {
  /** Wait for DHCP on the PXE NIC (or all NICs) before collecting. Default: no wait. */
  waitForDhcp?: () => Promise<void>;
  /** The hardware inventory (IPA `list_hardware_info`). */
  inventory: () => Promise<Record<string, unknown>>;
  /** The disk `guess_root_disk` picks from the inventory; null (or a throw) when there is none. */
  rootDisk: (inventory: Record<string, unknown>) => unknown;
  /** The loaded hardware managers. */
  managers: () => readonly ManagerVersion[];
  /** System logs as base64 of a tar.gz (journal capped at 10000 lines). */
  logs: () => Promise<string>;
}

/**
 * IPA's accumulated-failure text: null without failures, else
 * `"The following errors were encountered:\n* a\n* b"`.
 */
export function formatFailures(failures: readonly string[]): string | null {
  if (failures.length === 0) return null;
  return `The following errors were encountered:\n${failures.map((f) => `* ${f}`).join('\n')}`;
}

/**
 * Build the `collectData` function for inspect(): runs the named collectors
 * in order and returns `{inventory, root_disk, boot_interface, configuration,
 * logs?, error}`. Collector failures end up in `error`, never thrown.
 */
export function createInspectionCollector(collectors: readonly string[], sources: InspectionSources, logger: Logger): () => Promise<Record<string, unknown>> {
  return async () => {
    const data: Record<string, unknown> = {};
    const failures: string[] = [];
    for (const name of collectors) {
      try {
        if (name === 'default') await collectDefault(data, collectors, sources, logger);
        else if (name === 'logs') await collectLogs(data, sources, logger);
        else failures.push(`collector ${name} is not supported by this agent (supported: ${SUPPORTED_COLLECTORS.join(', ')})`);
      } catch (error) {
        failures.push(`collector ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const failure of failures) logger.error('Inspection collector failure', { failure });
    data['error'] = formatFailures(failures);
    return data;
  };
}

async function collectDefault(data: Record<string, unknown>, collectors: readonly string[], sources: InspectionSources, logger: Logger): Promise<void> {
  if (sources.waitForDhcp !== undefined) {
    try {
      await sources.waitForDhcp();
    } catch (error) {
      logger.warn('Waiting for DHCP failed, inspecting anyway', { error: error instanceof Error ? error.message : String(error) });
    }
  }
  const inventory = await sources.inventory();
  data['inventory'] = inventory;
  let rootDisk: unknown = null;
  try {
    rootDisk = sources.rootDisk(inventory);
  } catch {
    rootDisk = null;
  }
  if (rootDisk === null || rootDisk === undefined) logger.warn('No suitable root device detected');
  else data['root_disk'] = rootDisk;
  const boot = inventory['boot'];
  const pxe = boot !== null && typeof boot === 'object' ? (boot as Record<string, unknown>)['pxe_interface'] : undefined;
  data['boot_interface'] = pxe ?? null;
  data['configuration'] = {
    collectors: [...collectors],
    managers: sources.managers().map((m) => ({ name: m.name, version: m.version })),
  };
}

async function collectLogs(data: Record<string, unknown>, sources: InspectionSources, logger: Logger): Promise<void> {
  try {
    data['logs'] = await sources.logs();
  } catch (error) {
    logger.warn('Failed to collect system logs for inspection', { error: error instanceof Error ? error.message : String(error) });
  }
}
