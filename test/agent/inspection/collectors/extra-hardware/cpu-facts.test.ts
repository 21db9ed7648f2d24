import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { countCpuList, cpuFacts } from '../../../../../agent/inspection/collectors/extra-hardware/cpu-facts.js';

const fixture = (name: string): Promise<string> =>
  readFile(new URL(`../../../../fixtures/inspection/${name}`, import.meta.url), 'utf8');

/** `LC_ALL=C lscpu` lines of a two-socket host with sparse NUMA CPU lists (util-linux 2.38 format). */
const TWO_SOCKETS = `Architecture:            x86_64
CPU(s):                  4
Vendor ID:               GenuineIntel
Model name:              Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz
CPU family:              6
Model:                   85
Thread(s) per core:      1
Core(s) per socket:      2
Socket(s):               2
Stepping:                0x7
CPU max MHz:             3900.0000
CPU min MHz:             800.0000
NUMA node(s):            2
NUMA node0 CPU(s):       0,2
NUMA node1 CPU(s):       1,3
`;

describe('inspection/collectors/extra-hardware/cpu-facts', () => {
  it('counts lscpu CPU lists', () => {
    expect(countCpuList('0-5,48-53')).to.equal(12);
    expect(countCpuList('0,1')).to.equal(2);
    expect(countCpuList('')).to.equal(0);
  });

  it("ports get_cpus over this machine's lscpu and lscpu -x output", async () => {
    const facts = cpuFacts(await fixture('lscpu-kvm-epyc.txt'), await fixture('lscpu-x-kvm-epyc.txt'), {
      smtControl: 'notsupported',
      boost: null,
      governors: [null, null],
    });

    expect(facts.filter((f) => f[2] !== 'flags')).to.deep.equal([
      ['cpu', 'physical', 'number', 1],
      ['cpu', 'physical', 'smt', 'notsupported'],
      ['cpu', 'physical_0', 'vendor', 'AuthenticAMD'],
      ['cpu', 'physical_0', 'product', 'AMD EPYC'],
      ['cpu', 'physical_0', 'cores', 2],
      ['cpu', 'physical_0', 'threads', 2],
      ['cpu', 'physical_0', 'family', 25],
      ['cpu', 'physical_0', 'model', 17],
      ['cpu', 'physical_0', 'stepping', 1],
      ['cpu', 'physical_0', 'architecture', 'x86_64'],
      ['cpu', 'physical_0', 'l1d cache', '64 KiB (2 instances)'],
      ['cpu', 'physical_0', 'l1i cache', '64 KiB (2 instances)'],
      ['cpu', 'physical_0', 'l2 cache', '2 MiB (2 instances)'],
      ['cpu', 'physical_0', 'l3 cache', '32 MiB (1 instance)'],
      ['cpu', 'physical_0', 'threads_per_core', 1],
      ['cpu', 'logical', 'number', 2],
      ['numa', 'nodes', 'count', 1],
      ['numa', 'node_0', 'cpu_count', 2],
      ['numa', 'node_0', 'cpu_mask', '3'],
    ]);
    expect(facts.find((f) => f[2] === 'flags')?.[3]).to.match(/^fpu vme de pse .* avx512f .* fsrm$/);
  });

  it('repeats the socket facts per socket, with governors, boost, hex models and MHz as numbers', () => {
    const lscpuX = TWO_SOCKETS.replace('NUMA node0 CPU(s):       0,2', 'NUMA node0 CPU(s):       0x5').replace(
      'NUMA node1 CPU(s):       1,3',
      'NUMA node1 CPU(s):       0xa',
    );

    const facts = cpuFacts(TWO_SOCKETS, lscpuX, {
      smtControl: null,
      boost: '1',
      governors: ['performance', 'performance', null, 'powersave'],
    });

    expect(facts.filter((f) => f[1] === 'physical_1').map((f) => [f[2], f[3]])).to.deep.equal([
      ['boost', 'enabled'],
      ['vendor', 'GenuineIntel'],
      ['product', 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz'],
      ['cores', 2],
      ['threads', 2],
      ['family', 6],
      ['model', 85],
      ['stepping', 7],
      ['architecture', 'x86_64'],
      ['min_Mhz', 800],
      ['max_Mhz', 3900],
      ['threads_per_core', 1],
    ]);
    expect(facts.filter((f) => f[2] === 'governor')).to.deep.equal([
      ['cpu', 'logical_0', 'governor', 'performance'],
      ['cpu', 'logical_1', 'governor', 'performance'],
      ['cpu', 'logical_3', 'governor', 'powersave'],
    ]);
    expect(facts.filter((f) => f[0] === 'numa')).to.deep.equal([
      ['numa', 'nodes', 'count', 2],
      ['numa', 'node_0', 'cpu_count', 2],
      ['numa', 'node_0', 'cpu_mask', '0x5'],
      ['numa', 'node_1', 'cpu_count', 2],
      ['numa', 'node_1', 'cpu_mask', '0xa'],
    ]);
  });

  it('reports nothing it cannot read (no sockets, no CPU count)', () => {
    expect(
      cpuFacts('Architecture: aarch64\nSocket(s): -\n', '', { smtControl: null, boost: null, governors: [] }),
    ).to.deep.equal([]);
  });
});
