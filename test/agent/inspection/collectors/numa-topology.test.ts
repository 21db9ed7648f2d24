import { expect } from 'chai';
import {
  groupThreads,
  memTotalKb,
  numaNodeId,
  numaTopologyCollector,
  NumaFormatError,
} from '../../../../agent/inspection/collectors/numa-topology.js';
import { makeTree, removeTree, type TreeSpec } from '../../../helpers/fs-tree.js';
import { fixtureContext } from './helpers.js';

/** Two NUMA nodes, two cores each with two threads (HT), one PCI NIC on node 1 and a veth without a device. */
const TWO_NODES: TreeSpec = {
  'sys/devices/system/node/online': '0-1\n',
  'sys/devices/system/node/node0/meminfo': 'Node 0 MemTotal:       65855276 kB\nNode 0 MemFree:        61528112 kB\n',
  'sys/devices/system/node/node0/cpulist': '0-1,4-5\n',
  'sys/devices/system/node/node0/cpu0/topology/core_id': '0\n',
  'sys/devices/system/node/node0/cpu4/topology/core_id': '0\n',
  'sys/devices/system/node/node0/cpu1/topology/core_id': '1\n',
  'sys/devices/system/node/node0/cpu5/topology/core_id': '1\n',
  'sys/devices/system/node/node1/meminfo': 'Node 1 MemTotal:       66058064 kB\n',
  'sys/devices/system/node/node1/cpu2/topology/core_id': '0\n',
  'sys/devices/system/node/node1/cpu6/topology/core_id': '0\n',
  'sys/devices/system/node/node1/cpu3/topology/core_id': '1\n',
  'sys/devices/system/node/node1/cpu7/topology/core_id': '1\n',
  'sys/class/net/eno1/device/numa_node': '1\n',
  'sys/class/net/eno2/device/numa_node': '-1\n',
  'sys/class/net/veth0/address': '52:54:00:00:00:01\n',
};

describe('inspection/collectors/numa-topology', () => {
  const trees: string[] = [];
  afterEach(async () => {
    for (const t of trees.splice(0)) await removeTree(t);
  });

  it("parses node ids and node meminfo totals with IPA's units", () => {
    expect(numaNodeId('node12')).to.equal(12);
    expect(() => numaNodeId('nodeX')).to.throw(NumaFormatError);
    for (const [line, kb] of [
      ['Node 0 MemTotal: 1560000 kB', 1560000],
      ['Node 0 MemTotal: 1560000 KB', 1560000],
      ['Node 1 MemTotal: 2 MB', 2048],
      ['Node 1 MemTotal: 3 GB', 3145728],
    ] as const) {
      expect(memTotalKb(line, 'node0'), line).to.equal(kb);
    }
    expect(() => memTotalKb('Node 0 MemFree: 1 kB', 'node0')).to.throw('Memory information is not available for node0');
    expect(() => memTotalKb('Node 0 MemTotal: 1 TB', 'node0')).to.throw(NumaFormatError);
  });

  it('groups hardware threads by (node, core) as thread siblings', () => {
    const cpus = groupThreads([
      { numaNode: 1, thread: 6, coreId: 0 },
      { numaNode: 0, thread: 4, coreId: 0 },
      { numaNode: 0, thread: 0, coreId: 0 },
      { numaNode: 1, thread: 2, coreId: 0 },
    ]);

    expect(cpus).to.deep.equal([
      { cpu: 0, numa_node: 0, thread_siblings: [0, 4] },
      { cpu: 0, numa_node: 1, thread_siblings: [2, 6] },
    ]);
  });

  it("reports IPA's numa_topology {ram, cpus, nics} from sysfs", async () => {
    const root = await makeTree('numa', TWO_NODES);
    trees.push(root);
    const { context } = fixtureContext(root);
    const data: Record<string, unknown> = {};

    await numaTopologyCollector.collect(data, context);

    expect(data['numa_topology']).to.deep.equal({
      ram: [
        { numa_node: 0, size_kb: 65855276 },
        { numa_node: 1, size_kb: 66058064 },
      ],
      cpus: [
        { cpu: 0, numa_node: 0, thread_siblings: [0, 4] },
        { cpu: 1, numa_node: 0, thread_siblings: [1, 5] },
        { cpu: 0, numa_node: 1, thread_siblings: [2, 6] },
        { cpu: 1, numa_node: 1, thread_siblings: [3, 7] },
      ],
      nics: [
        { name: 'eno1', numa_node: 1 },
        { name: 'eno2', numa_node: -1 },
      ],
    });
  });

  it('leaves numa_topology out, with a warning, when the data is malformed or absent', async () => {
    const broken = await makeTree('numa', {
      ...TWO_NODES,
      'sys/devices/system/node/node1/cpu7/topology/core_id': 'x\n',
    });
    const absent = await makeTree('numa', { 'sys/class/net/lo/address': '00:00:00:00:00:00\n' });
    trees.push(broken, absent);
    const brokenRun = fixtureContext(broken);
    const absentRun = fixtureContext(absent);
    const brokenData: Record<string, unknown> = {};
    const absentData: Record<string, unknown> = {};

    await numaTopologyCollector.collect(brokenData, brokenRun.context);
    await numaTopologyCollector.collect(absentData, absentRun.context);

    expect(brokenData).to.deep.equal({});
    expect(absentData).to.deep.equal({});
    expect(brokenRun.memory.text()).to.contain('Failed to gather cpu_id for thread cpu7 NUMA node node1');
    expect(absentRun.memory.text()).to.contain('No NUMA node directory');
  });
});
