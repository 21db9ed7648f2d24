/**
 * The `lldp` collector. IPA's collect_lldp (openstack/ironic-python-agent
 * ironic_python_agent/inspector.py) listens for LLDP frames on a raw
 * AF_PACKET socket per interface for up to `lldp_timeout` seconds and sends
 * them as `lldp_raw`. Node has no raw packet sockets without a native addon
 * and the image ships no capture tool, so this agent reports no LLDP: the
 * collector says so and adds nothing (an empty `lldp_raw` would claim that no
 * switch answered).
 */
import type { CollectorContext, InspectionCollector } from './types.js';

/** Why LLDP is not collected; also logged for `collect_lldp`. */
export const LLDP_UNSUPPORTED =
  'LLDP is not collected by this agent (no raw packet sockets in Node.js); lldp_raw left out';

/** The `lldp` collector: a known limitation, logged. */
export const lldpCollector: InspectionCollector = {
  name: 'lldp',
  async collect(_data: Record<string, unknown>, context: CollectorContext): Promise<void> {
    context.logger.warn(LLDP_UNSUPPORTED);
  },
};
