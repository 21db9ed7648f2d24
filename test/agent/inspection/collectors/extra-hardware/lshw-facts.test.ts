import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { lshwRoot, type LshwNode } from '../../../../../agent/inspection/collectors/lshw.js';
import { lshwFacts } from '../../../../../agent/inspection/collectors/extra-hardware/lshw-facts.js';

/** lshw -json shape of a server: DMI product, board, firmware and a memory array with two banks (values of a PowerEdge). */
const SERVER: LshwNode = {
  id: 'r640',
  class: 'system',
  product: 'PowerEdge R640 (SKU=NotProvided;ModelName=PowerEdge R640)',
  vendor: 'Dell Inc.',
  serial: 'ABC1234',
  version: '',
  children: [
    {
      id: 'core',
      class: 'bus',
      physid: '0',
      product: '0H28RR',
      vendor: 'Dell Inc.',
      version: 'A00',
      serial: '.ABC1234.CN7',
      children: [
        {
          id: 'firmware',
          class: 'memory',
          physid: '0',
          vendor: 'Dell Inc.',
          version: '2.12.2',
          date: '07/09/2021',
          size: 65536,
          units: 'bytes',
        },
        {
          id: 'memory:0',
          class: 'memory',
          physid: '1000',
          size: 34359738368,
          units: 'bytes',
          children: [
            {
              id: 'bank:0',
              class: 'memory',
              physid: '0',
              description: 'DIMM DDR4 Synchronous Registered (Buffered) 2933 MHz (0.3 ns)',
              product: 'M393A2K43DB3-CWE',
              vendor: 'Samsung',
              serial: '1234ABCD',
              slot: 'A1',
              size: 17179869184,
              clock: 2933000000,
              units: 'bytes',
            },
            { id: 'bank:1', class: 'memory', physid: '1', description: '[empty]', slot: 'A2' },
          ],
        },
        { id: 'cache:0', class: 'memory', physid: '2', size: 1310720 },
      ],
    },
  ],
};

describe('inspection/collectors/extra-hardware/lshw-facts', () => {
  it("ports system.detect over this machine's lshw -json (a KVM guest)", async () => {
    const kvm = lshwRoot(
      JSON.parse(
        await readFile(new URL('../../../../fixtures/inspection/lshw-kvm.json', import.meta.url), 'utf8'),
      ) as unknown,
    );

    expect(lshwFacts(kvm ?? {})).to.deep.equal([
      ['memory', 'total', 'size', '25769803776'],
      ['network', 'eth0', 'businfo', 'virtio@2'],
      ['network', 'eth0', 'ipv4', '192.0.2.2'],
      ['network', 'eth0', 'link', 'yes'],
      ['network', 'eth0', 'driver', 'virtio_net'],
      ['network', 'eth0', 'autonegotiation', 'off'],
      ['network', 'eth0', 'serial', '02:fc:00:00:00:01'],
    ]);
  });

  it('reports product, motherboard, bios and memory banks as hardware-detect names them', () => {
    const facts = lshwFacts(SERVER);

    expect(facts).to.deep.equal([
      ['system', 'product', 'serial', 'ABC1234'],
      ['system', 'product', 'name', 'PowerEdge R640 (SKU=NotProvided;ModelName=PowerEdge R640)'],
      ['system', 'product', 'vendor', 'Dell Inc.'],
      ['system', 'product', 'version', ''],
      ['system', 'motherboard', 'name', '0H28RR'],
      ['system', 'motherboard', 'vendor', 'Dell Inc.'],
      ['system', 'motherboard', 'version', 'A00'],
      ['system', 'motherboard', 'serial', '.ABC1234.CN7'],
      ['firmware', 'bios', 'version', '2.12.2'],
      ['firmware', 'bios', 'date', '07/09/2021'],
      ['firmware', 'bios', 'vendor', 'Dell Inc.'],
      ['memory', 'total', 'size', '34359738368'],
      ['memory', 'bank:0:0', 'size', '17179869184'],
      ['memory', 'bank:0:0', 'clock', '2933000000'],
      ['memory', 'bank:0:0', 'description', 'DIMM DDR4 Synchronous Registered (Buffered) 2933 MHz (0.3 ns)'],
      ['memory', 'bank:0:0', 'vendor', 'Samsung'],
      ['memory', 'bank:0:0', 'product', 'M393A2K43DB3-CWE'],
      ['memory', 'bank:0:0', 'serial', '1234ABCD'],
      ['memory', 'bank:0:0', 'slot', 'A1'],
      ['memory', 'bank:0:1', 'description', '[empty]'],
      ['memory', 'bank:0:1', 'slot', 'A2'],
      ['memory', 'banks', 'count', '2'],
    ]);
  });
});
