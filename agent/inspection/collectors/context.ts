/**
 * Builds the per-inspection {@link CollectorContext}: the inventory and the
 * lshw tree are computed at most once per inspection and shared by the
 * collectors that need them (held by the context, never module-wide).
 */
import { machine, release } from 'node:os';
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import type { FsReader } from '../../../common/fs/fs-reader.js';
import { runLshw, type LshwNode } from './lshw.js';
import type { CollectorContext, CollectorPaths, InspectionSources } from './types.js';
import type { Inventory } from '../../hardware/inventory.js';

/** Inputs of {@link createCollectorContext}. */
export interface CollectorContextOptions {
  runner: Runner;
  fs: FsReader;
  logger: Logger;
  sources: InspectionSources;
  collectorNames: readonly string[];
  /** Defaults: `/sys`, `/dev`, `/proc/cmdline`, `/mnt/coreos`. */
  paths?: Partial<CollectorPaths>;
  /** Default `os.release`. */
  kernelRelease?: () => string;
  /** Default `os.machine`. */
  machine?: () => string;
}

/** A fresh context for one inspection. */
export function createCollectorContext(options: CollectorContextOptions): CollectorContext {
  let inventory: Promise<Inventory> | null = null;
  let lshw: Promise<LshwNode | null> | null = null;
  return {
    runner: options.runner,
    fs: options.fs,
    logger: options.logger,
    sources: options.sources,
    collectorNames: options.collectorNames,
    paths: { sys: '/sys', dev: '/dev', cmdline: '/proc/cmdline', hostRoot: '/mnt/coreos', ...options.paths },
    inventory: () => (inventory ??= options.sources.inventory()),
    lshw: () => (lshw ??= runLshw(options.runner, options.logger)),
    kernelRelease: options.kernelRelease ?? release,
    machine: options.machine ?? machine,
  };
}
