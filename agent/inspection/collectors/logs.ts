/**
 * The `logs` collector: port of IPA inspector.collect_logs
 * (openstack/ironic-python-agent ironic_python_agent/inspector.py): the
 * system logs as base64 of a tar.gz, the format ironic-inspector's
 * `ramdisk_error` hook stores. Never reports a failure, as in IPA.
 */
import { errorText } from './error-text.js';
import type { CollectorContext, InspectionCollector, InspectionData } from './types.js';

/** IPA's `logs` collector. */
export const logsCollector: InspectionCollector = {
  name: 'logs',
  async collect(data: InspectionData, context: CollectorContext): Promise<void> {
    try {
      data['logs'] = await context.sources.logs();
    } catch (error) {
      context.logger.warn('Failed to collect system logs for inspection', { error: errorText(error) });
    }
  },
};
