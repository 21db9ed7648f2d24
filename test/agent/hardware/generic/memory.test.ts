import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  memTotalFromMeminfo,
  physicalMbFromDmidecode,
  physicalMbFromLshw,
  physicalMbFromTotal,
} from '../../../../agent/hardware/generic/memory.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../fixtures/inventory/${name}`, import.meta.url), 'utf8');

describe('generic/memory', () => {
  it('reads MemTotal in bytes', () => {
    expect(memTotalFromMeminfo('MemTotal:       24684092 kB\nMemFree:         1 kB\n')).to.equal(24684092 * 1024);
    expect(memTotalFromMeminfo('MemFree: 1 kB\n')).to.equal(null);
  });

  it('sums lshw memory banks under core (and memory:N sizes), ignoring caches and empty banks (IPA _calc_memory)', () => {
    expect(physicalMbFromLshw(JSON.parse(fixture('lshw.json')))).to.equal(16384 + 16384 + 8192);
  });

  it('accepts lshw output as an object and returns null without memory', () => {
    expect(
      physicalMbFromLshw({
        children: [{ id: 'core', children: [{ id: 'memory', units: 'bytes', size: 2147483648 }] }],
      }),
    ).to.equal(2048);
    expect(physicalMbFromLshw({ children: [{ id: 'core', children: [] }] })).to.equal(null);
    expect(physicalMbFromLshw(null)).to.equal(null);
  });

  it('sums dmidecode Memory Device sizes in MiB, ignoring empty slots and "Volatile Size"', () => {
    expect(physicalMbFromDmidecode(fixture('dmidecode-memory.txt'))).to.equal(16384 + 8192 + 1);
    expect(physicalMbFromDmidecode('# dmidecode 3.4\n# No SMBIOS nor DMI entry point found, sorry.\n')).to.equal(null);
  });

  it('estimates installed RAM by rounding MemTotal up to whole GiB', () => {
    expect(physicalMbFromTotal(24684092 * 1024)).to.equal(24 * 1024);
    expect(physicalMbFromTotal(8 * 2 ** 30)).to.equal(8192);
    expect(physicalMbFromTotal(8 * 2 ** 30 + 1)).to.equal(9216);
  });
});
