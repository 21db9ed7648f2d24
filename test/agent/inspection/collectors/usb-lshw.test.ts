import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { findInLshw, lshwRoot, type LshwNode } from '../../../../agent/inspection/collectors/lshw.js';
import { usbDevicesCollector, usbDevicesFromLshw } from '../../../../agent/inspection/collectors/usb-devices.js';
import { lldpCollector } from '../../../../agent/inspection/collectors/lldp.js';
import { FakeRunner } from '../../../helpers/fake-runner.js';
import { fixtureContext } from './helpers.js';

/** lshw -json shape of a host with a USB hub, a keyboard (class input) and a USB storage bridge (id usb, class generic). */
const USB_TREE: LshwNode = {
  id: 'server',
  class: 'system',
  children: [
    {
      id: 'core',
      class: 'bus',
      children: [
        {
          id: 'pci',
          class: 'bridge',
          children: [
            {
              id: 'usb',
              class: 'bus',
              product: 'xHCI Host Controller',
              handle: 'PCI:0000:00:14.0',
              children: [
                {
                  id: 'usbhost:0',
                  class: 'bus',
                  product: 'xHCI Host Controller',
                  vendor: 'Linux 6.1.0 xhci-hcd',
                  handle: 'USB:1:1',
                  children: [
                    {
                      id: 'usb',
                      class: 'generic',
                      product: 'Virtual Media',
                      vendor: 'American Megatrends Inc.',
                      handle: 'USB:1:2',
                    },
                    { id: 'usb:1', class: 'input', product: 'Keyboard', vendor: 'Dell', handle: 'USB:1:3' },
                    { id: 'usb', class: 'generic', handle: 'USB:1:4' },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe('inspection/collectors/lshw, usb-devices, lldp', () => {
  it('finds lshw nodes as IPA find_in_lshw does (direct children, or depth first)', async () => {
    const kvm = lshwRoot(
      JSON.parse(
        await readFile(new URL('../../../fixtures/inspection/lshw-kvm.json', import.meta.url), 'utf8'),
      ) as unknown,
    );

    expect(lshwRoot([{ id: 'a' }])).to.deep.equal({ id: 'a' });
    expect(lshwRoot('nope')).to.equal(null);
    expect(findInLshw(kvm ?? {}, { id: 'core' }).map((n) => n.description)).to.deep.equal(['Motherboard']);
    expect(findInLshw(kvm ?? {}, { class: 'network' })).to.deep.equal([]);
    expect(findInLshw(kvm ?? {}, { class: 'network', recursive: true }).map((n) => n.id)).to.deep.equal([
      'network',
      'virtio2',
    ]);
    expect(findInLshw(kvm ?? {}, { id: /^generic/, recursive: true }).map((n) => n.id)).to.deep.equal([
      'generic:0',
      'generic:1',
      'generic:2',
    ]);
  });

  it('lists USB devices with id usb and class generic as {product, vendor, handle}', () => {
    expect(usbDevicesFromLshw(USB_TREE)).to.deep.equal([
      { product: 'Virtual Media', vendor: 'American Megatrends Inc.', handle: 'USB:1:2' },
      { product: '', vendor: '', handle: 'USB:1:4' },
    ]);
  });

  it('stores usb_devices from lshw, and leaves them out when lshw is missing', async () => {
    const lshw = ['lshw', '-quiet', '-json'];
    const ok = fixtureContext('/nonexistent', {
      runner: new FakeRunner().expect({ match: lshw, stdout: JSON.stringify([USB_TREE]) }),
    });
    const missing = fixtureContext('/nonexistent', {
      runner: new FakeRunner().expect({ match: lshw, notFound: true }),
    });
    const okData: Record<string, unknown> = {};
    const missingData: Record<string, unknown> = {};

    await usbDevicesCollector.collect(okData, ok.context);
    await usbDevicesCollector.collect(missingData, missing.context);

    expect(okData['usb_devices']).to.have.length(2);
    expect(missingData).to.deep.equal({});
    expect(missing.memory.text()).to.contain('lshw is not available').and.contain('usb_devices left out');
  });

  it('lldp adds nothing and says why', async () => {
    const { context, memory } = fixtureContext('/nonexistent');
    const data: Record<string, unknown> = {};

    await lldpCollector.collect(data, context);

    expect(data).to.deep.equal({});
    expect(memory.text()).to.contain('LLDP is not collected by this agent');
  });
});
