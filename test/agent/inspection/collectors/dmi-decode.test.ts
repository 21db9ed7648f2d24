import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { dmiDecodeCollector } from '../../../../agent/inspection/collectors/dmi-decode.js';
import { dmiType, parseDmi, parseHandleBlock } from '../../../../agent/inspection/collectors/dmi-parse.js';
import { FakeRunner } from '../../../helpers/fake-runner.js';
import { fixtureContext } from './helpers.js';

/** dmidecode 3.4 output format (`dmidecode -t bios -t processor -t memory`), values of a small server. */
const BIOS_AND_CPU = `# dmidecode 3.4
Getting SMBIOS data from sysfs.
SMBIOS 3.2.0 present.

Handle 0x0000, DMI type 0, 26 bytes
BIOS Information
\tVendor: Dell Inc.
\tVersion: 2.12.2
\tRelease Date: 07/09/2021
\tROM Size: 32 MB
\tCharacteristics:
\t\tISA is supported
\t\tPCI is supported
\tBIOS Revision: 2.12

Handle 0x0400, DMI type 4, 48 bytes
Processor Information
\tSocket Designation: CPU1
\tType: Central Processor
\tFamily: Xeon
\tVersion: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz
\tCore Count: 20
\tThread Count: 40
`;

describe('inspection/collectors/dmi-decode', () => {
  it('reads the DMI type of a handle line', () => {
    expect(dmiType('Handle 0x0018, DMI type 17, 27 bytes\nMemory Device')).to.equal(17);
    expect(dmiType('Handle 0x0018\nMemory Device')).to.equal(null);
  });

  it('parses a block: values, list values after an empty key, the Handle line', () => {
    const block = parseHandleBlock(BIOS_AND_CPU.split('\n\n')[1] ?? '');

    expect(block).to.deep.equal({
      Handle: 'Handle 0x0000, DMI type 0, 26 bytes',
      Vendor: 'Dell Inc.',
      Version: '2.12.2',
      'Release Date': '07/09/2021',
      'ROM Size': '32 MB',
      Characteristics: ['ISA is supported', 'PCI is supported'],
      'BIOS Revision': '2.12',
    });
  });

  it("builds IPA's {bios, cpu, memory} with arrays merged and devices listed", async () => {
    const memory = await readFile(new URL('../../../fixtures/inventory/dmidecode-memory.txt', import.meta.url), 'utf8');

    const dmi = parseDmi(`${BIOS_AND_CPU}\n${memory}`);

    expect(dmi.bios).to.include({ Vendor: 'Dell Inc.', Version: '2.12.2' });
    expect(dmi.cpu).to.have.length(1);
    expect(dmi.cpu[0]).to.include({ 'Core Count': '20', 'Thread Count': '40' });
    expect(dmi.memory).to.include({
      Location: 'System Board Or Motherboard',
      'Maximum Capacity': '1536 GB',
      'Number Of Devices': 4,
    });
    expect(dmi.memory).to.not.have.property('Handle');
    expect(dmi.memory.devices?.map((d) => [d['Locator'], d['Size']])).to.deep.equal([
      ['A1', '16 GB'],
      ['A2', 'No Module Installed'],
      ['B1', '8192 MB'],
      ['B2', '512 kB'],
    ]);
  });

  it('stores dmi from dmidecode, and leaves it out with a warning when dmidecode fails', async () => {
    const argv = ['dmidecode', '-t', 'bios', '-t', 'processor', '-t', 'memory'];
    const ok = fixtureContext('/nonexistent', {
      runner: new FakeRunner().expect({ match: argv, stdout: BIOS_AND_CPU }),
    });
    // what dmidecode 3.4 says on this test machine, which has no SMBIOS tables
    const failing = fixtureContext('/nonexistent', {
      runner: new FakeRunner().expect({
        match: argv,
        exitCode: 1,
        stdout: '# dmidecode 3.4\nScanning /dev/mem for entry point.\n',
        stderr: '/dev/mem: No such file or directory',
      }),
    });
    const okData: Record<string, unknown> = {};
    const failingData: Record<string, unknown> = {};

    await dmiDecodeCollector.collect(okData, ok.context);
    await dmiDecodeCollector.collect(failingData, failing.context);

    expect(okData['dmi']).to.deep.include({ cpu: [parseHandleBlock(BIOS_AND_CPU.split('\n\n')[2] ?? '')] });
    expect(failingData).to.deep.equal({});
    expect(failing.memory.text()).to.contain('dmidecode failed; dmi left out').and.contain('/dev/mem');
  });
});
