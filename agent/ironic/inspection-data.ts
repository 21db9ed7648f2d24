/**
 * Assembly of the inspection body: runs the configured collectors
 * (agent/inspection/collectors/) in order. Port of the collector loop of IPA
 * inspector.inspect and utils.AccumulatedFailures
 * (openstack/ironic-python-agent ironic_python_agent/inspector.py, utils.py).
 *
 * One deliberate difference: IPA fails inspection (a non-null `error`, which
 * ironic-inspector's and Ironic's `ramdisk_error` hooks refuse) for an
 * unknown collector or a failing optional one. Here only `default` (the
 * inventory) can fail inspection; an unknown collector is skipped and a
 * failing optional one leaves its keys out, both with a warning in the log.
 */
import { COLLECTORS, isKnownCollector, knownCollectors } from '../inspection/collectors/index.js';
import { createCollectorContext, type CollectorContextOptions } from '../inspection/collectors/context.js';
import { errorText } from '../inspection/collectors/error-text.js';

/** IPA's default `inspection_collectors` (config.INSPECTION_DEFAULT_COLLECTORS). */
export const DEFAULT_COLLECTORS: readonly string[] = ['default', 'logs'];

/**
 * IPA's accumulated-failure text: null without failures, else
 * `"The following errors were encountered:\n* a\n* b"`.
 */
export function formatFailures(failures: readonly string[]): string | null {
  if (failures.length === 0) return null;
  return `The following errors were encountered:\n${failures.map((f) => `* ${f}`).join('\n')}`;
}

/**
 * Build the `collectData` function for inspect(): each call runs the
 * collectors named in `options.collectorNames` against a fresh context and
 * returns the body with `error` (null unless `default` failed). Never throws.
 */
export function createInspectionCollector(options: CollectorContextOptions): () => Promise<Record<string, unknown>> {
  const { logger } = options;
  return async () => {
    const context = createCollectorContext(options);
    const data: Record<string, unknown> = {};
    const failures: string[] = [];
    logger.info('Inspection is enabled', { collectors: options.collectorNames });
    for (const name of options.collectorNames) {
      if (!isKnownCollector(name)) {
        logger.warn('Unknown inspection collector skipped', { collector: name, known: knownCollectors() });
        continue;
      }
      try {
        await (await COLLECTORS[name]()).collect(data, context);
      } catch (error) {
        if (name === 'default') failures.push(`collector ${name} failed: ${errorText(error)}`);
        else
          logger.warn('Inspection collector failed; its data is left out', {
            collector: name,
            error: errorText(error),
          });
      }
    }
    for (const failure of failures) logger.error('Inspection collector failure', { failure });
    data['error'] = formatFailures(failures);
    return data;
  };
}
