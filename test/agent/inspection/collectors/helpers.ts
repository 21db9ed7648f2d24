/** A collector context over a fixture tree and a FakeRunner, for the collector tests. */
import { createCollectorContext } from '../../../../agent/inspection/collectors/context.js';
import type { CollectorContext, InspectionSources } from '../../../../agent/inspection/collectors/types.js';
import { NodeFs } from '../../../../common/fs/node-fs.js';
import { FakeRunner } from '../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../helpers/logger.js';
import { fakeInventory } from '../../../helpers/inventory-fixtures.js';
import type { Inventory } from '../../../../agent/hardware/inventory.js';

/** Build a context whose paths live under `root` (sys, dev, cmdline, host root). */
export function fixtureContext(
  root: string,
  options: { runner?: FakeRunner; inventory?: Inventory; names?: string[] } = {},
): { context: CollectorContext; memory: ReturnType<typeof createTestLogger>['memory'] } {
  const { logger, memory } = createTestLogger();
  const sources: InspectionSources = {
    inventory: async () => options.inventory ?? fakeInventory(),
    rootDisk: () => null,
    managers: () => [],
    logs: async () => '',
  };
  const context = createCollectorContext({
    runner: options.runner ?? new FakeRunner(),
    fs: new NodeFs(),
    logger,
    sources,
    collectorNames: options.names ?? [],
    paths: { sys: `${root}/sys`, dev: `${root}/dev`, cmdline: `${root}/proc/cmdline`, hostRoot: `${root}/host` },
    kernelRelease: () => '6.1.0-test',
    machine: () => 'x86_64',
  });
  return { context, memory };
}
