/**
 * The `dmi-decode` collector: port of IPA dmi_inspector.collect_dmidecode_info
 * (openstack/ironic-python-agent ironic_python_agent/dmi_inspector.py):
 * `dmi` with the BIOS, processors and memory from dmidecode. Unlike IPA, a
 * missing or failing dmidecode is a warning, not an inspection error.
 */
import { parseDmi } from './dmi-parse.js';
import { errorText } from './error-text.js';
import type { CollectorContext, InspectionCollector, InspectionData } from './types.js';

/** IPA's `dmi-decode` collector. */
export const dmiDecodeCollector: InspectionCollector = {
  name: 'dmi-decode',
  async collect(data: InspectionData, context: CollectorContext): Promise<void> {
    let text: string;
    try {
      text = (await context.runner.run(['dmidecode', '-t', 'bios', '-t', 'processor', '-t', 'memory'])).stdout;
    } catch (error) {
      context.logger.warn('dmidecode failed; dmi left out', { error: errorText(error) });
      return;
    }
    try {
      data['dmi'] = parseDmi(text);
    } catch (error) {
      context.logger.warn('Failed to parse the dmidecode output; dmi is empty', { error: errorText(error) });
      data['dmi'] = {};
    }
  },
};
