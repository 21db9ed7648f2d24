import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  cpuFromCpuinfo,
  cpuFromLscpu,
  cpuinfoSections,
  parseKeyValueText,
} from '../../../../agent/hardware/generic/cpu.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../fixtures/inventory/${name}`, import.meta.url), 'utf8');

describe('generic/cpu', () => {
  it('reads lscpu of a two-socket Xeon: max MHz, counts, flags', () => {
    expect(cpuFromLscpu(fixture('lscpu-xeon.txt'), null)).to.deep.equal({
      model_name: 'Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz',
      frequency: '3000.0000',
      count: 32,
      architecture: 'x86_64',
      flags: [
        'fpu',
        'vme',
        'de',
        'pse',
        'tsc',
        'msr',
        'pae',
        'mce',
        'cx8',
        'apic',
        'sep',
        'mtrr',
        'sse4_1',
        'sse4_2',
        'vmx',
        'avx512f',
      ],
      socket_count: 2,
    });
  });

  it('reads indented lscpu output, falls back to "CPU MHz", treats "Socket(s): -" as 0 and takes flags from /proc/cpuinfo "Features"', () => {
    expect(cpuFromLscpu(fixture('lscpu-arm-noflags.txt'), fixture('cpuinfo-arm.txt'))).to.deep.equal({
      model_name: 'Cortex-A72',
      frequency: '1500.0000',
      count: 4,
      architecture: 'aarch64',
      flags: ['fp', 'asimd', 'evtstrm', 'crc32', 'cpuid'],
      socket_count: 0,
    });
  });

  it('keeps /proc/cpuinfo flags with underscores (IPA drops them) but drops malformed ones', () => {
    const lscpu = 'Architecture: x86_64\nCPU(s): 2\n';

    expect(cpuFromLscpu(lscpu, fixture('cpuinfo-epyc.txt')).flags).to.deep.equal([
      'fpu',
      'vme',
      'sse4_1',
      'tsc_deadline_timer',
    ]);
    expect(cpuFromLscpu(lscpu, 'processor: 0\nflags: FPU vme\n').flags).to.deep.equal([]);
    expect(cpuFromLscpu(lscpu, null)).to.deep.include({ flags: [], frequency: '', model_name: '', socket_count: 0 });
  });

  it('takes the frequency from /proc/cpuinfo when lscpu prints no MHz (some VMs)', () => {
    const lscpu =
      'Architecture:        x86_64\nCPU(s):              2\nModel name:          AMD EPYC\nSocket(s):           1\nFlags:               fpu vme\n';
    const cpuinfo = 'processor\t: 0\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2994.374\nflags\t\t: fpu vme\n\n';

    expect(cpuFromLscpu(lscpu, cpuinfo).frequency).to.equal('2994.374');
    expect(cpuFromLscpu(lscpu, null).frequency).to.equal('');
  });

  it('builds everything from /proc/cpuinfo when lscpu is unavailable', () => {
    expect(cpuFromCpuinfo(fixture('cpuinfo-epyc.txt'), 'x86_64')).to.deep.equal({
      model_name: 'AMD EPYC',
      frequency: '2445.428',
      count: 2,
      architecture: 'x86_64',
      flags: ['fpu', 'vme', 'sse4_1', 'tsc_deadline_timer'],
      socket_count: 1,
    });
  });

  it('parses key/value text with lower-cased keys, keeping the first occurrence and colons in values', () => {
    expect(parseKeyValueText('A: 1\nB Key :  x:y \nno colon\nA: 2\n')).to.deep.equal({ a: '1', 'b key': 'x:y' });
    expect(cpuinfoSections(fixture('cpuinfo-arm.txt'))).to.have.length(2);
  });
});
