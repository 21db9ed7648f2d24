import { expect } from 'chai';
import { decideResume, reached, type Phase, type Stamp } from '../../../reprovision/state/stamp.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function stamp(phase: Phase, sha256 = A): Stamp {
  return {
    format: 1,
    sha256,
    mode: 'firstboot',
    phase,
    startedAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:01:00.000Z',
    original: 'x.0',
    stateroot: 'fedora-coreos',
    before: ['x.0'],
    keep: [],
    backup: null,
    kargs: [],
    live: false,
  };
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return String(error);
  }
  throw new Error('expected a refusal');
}

describe('reprovision/state/stamp', () => {
  it('orders phases, rolled-back last', () => {
    expect(reached('prepared', 'deployed')).to.equal(true);
    expect(reached('deployed', 'prepared')).to.equal(false);
    expect(reached('rolled-back', 'complete')).to.equal(true);
  });

  const table: [string, Stamp | null, string, boolean, string][] = [
    ['no stamp', null, A, false, 'fresh'],
    ['a complete run', stamp('complete', B), A, false, 'fresh'],
    ['a rolled-back run', stamp('rolled-back', B), A, false, 'fresh'],
    ['the same config, unfinished', stamp('deployed'), A, false, 'resume'],
    ['the same config, switching', stamp('switching'), A, false, 'resume'],
    ['another config, unfinished, forced', stamp('prepared', B), A, true, 'abandon'],
  ];
  for (const [name, existing, sha, force, kind] of table) {
    it(`${name}: ${kind}`, () => expect(decideResume(existing, sha, force).kind).to.equal(kind));
  }

  it('refuses another config naming both hashes and --force', () => {
    const message = refusal(() => decideResume(stamp('backed-up', B), A, false));
    expect(message).to.include(B).and.include(A).and.include('--force').and.include('phase backed-up');
  });

  it('refuses another config once the switch has begun, even forced', () => {
    for (const phase of ['switching', 'switched'] as const) {
      const message = refusal(() => decideResume(stamp(phase, B), A, true));
      expect(message).to.include('its switch has begun').and.include('rollback');
    }
  });
});
