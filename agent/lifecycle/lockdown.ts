/**
 * The network half of IPA's `system.lockdown`: once the API and heartbeats
 * are stopped, every interface but loopback goes down, so that nothing can
 * reach the agent any more; the process stays up doing nothing.
 */
import type { Runner } from '../../common/exec/runner.js';
import type { Logger } from '../logger.js';

/**
 * The interface names in `ip -j link show` output, loopback left out; null
 * when the output is not JSON. Pure.
 */
export function linksToTakeDown(json: string): string[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json || '[]');
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .map((link: unknown) => (typeof link === 'object' && link !== null && 'ifname' in link ? link.ifname : null))
    .filter((name): name is string => typeof name === 'string' && name !== 'lo');
}

/** Take every interface but loopback down. Never throws: a link that will not go down is skipped. */
export async function takeNetworkDown(runner: Runner, logger: Logger): Promise<void> {
  const links = await runner.run(['ip', '-j', 'link', 'show']).catch(() => ({ stdout: '[]' }));
  const names = linksToTakeDown(links.stdout);
  if (names === null) {
    logger.warn('Could not list the network interfaces to take them down');
    return;
  }
  for (const name of names) await runner.run(['ip', 'link', 'set', name, 'down']).catch(() => undefined);
}
