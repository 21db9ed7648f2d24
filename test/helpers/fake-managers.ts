/** Configurable hardware managers for dispatcher and extension tests. */
import { IncompatibleHardwareMethodError } from '../../common/errors.js';
import type { HardwareManager, ManagerContext, ManagerMethods, StepSpec } from '../../agent/hardware/types.js';

/** Options for {@link fakeManager}. */
export interface FakeManagerOptions {
  name?: string;
  className?: string;
  version?: string;
  support?: number;
  steps?: StepSpec[];
  methods?: Partial<ManagerMethods>;
  /** Called by initialize() with the context the dispatcher gives. */
  onInitialize?: (context: ManagerContext) => void;
}

/** A manager whose behaviour is given as data. */
export function fakeManager(options: FakeManagerOptions = {}): HardwareManager {
  const className = options.className ?? 'FakeHardwareManager';
  const manager: HardwareManager = {
    name: options.name ?? className,
    className,
    version: options.version ?? '1.0',
    evaluateSupport: async () => options.support ?? 1,
    steps: options.steps ?? [],
    methods: options.methods ?? {},
  };
  if (options.onInitialize !== undefined) {
    const init = options.onInitialize;
    return {
      ...manager,
      initialize: async (context) => {
        init(context);
      },
    };
  }
  return manager;
}

/** A method implementation that always defers to the next manager. */
export function incompatible(): never {
  throw new IncompatibleHardwareMethodError();
}

/** A step that records its context and returns `value`. */
export function recordingStep(
  step: string,
  priority: StepSpec['priority'],
  value: unknown = null,
  calls: unknown[] = [],
): StepSpec {
  return {
    step,
    interface: 'deploy',
    priority,
    run: async (context) => {
      calls.push(context);
      return value;
    },
  };
}
