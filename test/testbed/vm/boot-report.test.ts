import { expect } from 'chai';
import { BootReportError, parseBootReport } from '../../../testbed/vm/boot-report.js';

const OSTREE = 'ostree=/ostree/boot.1/fedora-coreos/abc/0';
const BASE = `ICA-VM-BOOTED ${OSTREE} ostree-booted=yes ignition.firstboot=yes system=running hostname=h`;

describe('testbed/vm/boot-report', () => {
  it('parses a full report line, lists split on commas', () => {
    const report = parseBootReport(
      `${BASE} boot-ignition=none core-keys=a@b,c@d etc-ica=hello:644:${'1'.repeat(64)} ` +
        'units=ica-hello.service:enabled:active,ica-x.service:disabled:inactive\n',
    );

    expect(report).to.deep.equal({
      ostree: '/ostree/boot.1/fedora-coreos/abc/0',
      ostreeBooted: true,
      ignitionFirstboot: true,
      system: 'running',
      hostname: 'h',
      bootIgnition: [],
      coreKeys: ['a@b', 'c@d'],
      etcIca: { hello: { mode: '644', sha256: '1'.repeat(64) } },
      units: {
        'ica-hello.service': { enabled: 'enabled', active: 'active' },
        'ica-x.service': { enabled: 'disabled', active: 'inactive' },
      },
    });
  });

  it('reads `none` as empty and what is left on /boot as a list', () => {
    const report = parseBootReport(
      `${BASE} boot-ignition=ignition.firstboot,ignition core-keys=none etc-ica=none units=none`,
    );

    expect(report.bootIgnition).to.deep.equal(['ignition.firstboot', 'ignition']);
    expect(report.coreKeys).to.deep.equal([]);
    expect(report.etcIca).to.deep.equal({});
    expect(report.units).to.deep.equal({});
  });

  const bad: Array<[string, string, RegExp]> = [
    ['another marker', 'ICA-VM-EMERGENCY initramfs', /not a boot report/],
    ['a missing field', BASE, /no 'boot-ignition='/],
    ['a word without =', `${BASE} stray`, /malformed field 'stray'/],
    [
      'a malformed item',
      `${BASE} boot-ignition=none core-keys=none etc-ica=hello:644 units=none`,
      /malformed 'etc-ica'/,
    ],
  ];
  for (const [what, line, message] of bad) {
    it(`refuses ${what} with a BootReportError naming it`, () => {
      expect(() => parseBootReport(line))
        .to.throw(BootReportError)
        .with.property('message')
        .that.matches(message);
    });
  }
});
