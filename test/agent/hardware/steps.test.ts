import { expect } from 'chai';
import { deduplicateSteps, toStepDefinition } from '../../../agent/hardware/steps.js';
import type { StepDefinition, StepSpec } from '../../../agent/hardware/types.js';

const step = (name: string, priority: number): StepDefinition => ({
  step: name,
  priority,
  interface: 'deploy',
  reboot_requested: false,
});
const spec = (overrides: Partial<StepSpec>): StepSpec => ({
  step: 's',
  interface: 'deploy',
  priority: {},
  run: async () => null,
  ...overrides,
});

describe('hardware/steps', () => {
  describe('toStepDefinition', () => {
    it('renders the wire step for an offered kind and null otherwise', () => {
      const s = spec({ step: 'erase_devices_metadata', priority: { clean: 99, deploy: 0 }, abortable: true });

      expect(toStepDefinition(s, 'clean')).to.deep.equal({
        step: 'erase_devices_metadata',
        priority: 99,
        interface: 'deploy',
        reboot_requested: false,
        abortable: true,
      });
      expect(toStepDefinition(s, 'deploy')).to.deep.equal({
        step: 'erase_devices_metadata',
        priority: 0,
        interface: 'deploy',
        reboot_requested: false,
      });
      expect(toStepDefinition(s, 'service')).to.equal(null);
    });

    it('includes argsinfo when declared', () => {
      const argsinfo = { console: { description: 'c', required: false } };

      expect(toStepDefinition(spec({ priority: { deploy: 0 }, argsinfo }), 'deploy')?.argsinfo).to.deep.equal(argsinfo);
    });
  });

  describe('deduplicateSteps (IPA deduplicate_steps)', () => {
    const table: Array<[string, Parameters<typeof deduplicateSteps>[0], Record<string, string[]>]> = [
      [
        'higher support wins',
        [
          { className: 'Generic', support: 1, steps: [step('a', 99)] },
          { className: 'Vendor', support: 3, steps: [step('a', 0)] },
        ],
        { Generic: [], Vendor: ['a'] },
      ],
      [
        'same support: higher priority wins',
        [
          { className: 'X', support: 2, steps: [step('a', 10)] },
          { className: 'Y', support: 2, steps: [step('a', 20)] },
        ],
        { X: [], Y: ['a'] },
      ],
      [
        'same support and priority: name order wins',
        [
          { className: 'Zeta', support: 2, steps: [step('a', 10)] },
          { className: 'Alpha', support: 2, steps: [step('a', 10)] },
        ],
        { Zeta: [], Alpha: ['a'] },
      ],
      [
        'distinct steps are all kept',
        [
          { className: 'G', support: 1, steps: [step('a', 1), step('b', 2)] },
          { className: 'C', support: 3, steps: [step('c', 0)] },
        ],
        { G: ['a', 'b'], C: ['c'] },
      ],
    ];
    for (const [name, input, expected] of table) {
      it(name, () => {
        const result = deduplicateSteps(input);

        expect(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.map((s) => s.step)]))).to.deep.equal(
          expected,
        );
      });
    }
  });
});
