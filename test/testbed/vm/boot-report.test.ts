import { expect } from 'chai';
import { BootReportError, isVersionAtLeast, parseBootReport } from '../../../testbed/vm/boot-report.js';

const OSTREE = 'ostree=/ostree/boot.1/fedora-coreos/abc/0';
const BASE =
  `ICA-VM-BOOTED ${OSTREE} ostree-booted=yes ostree-version=2026.4 ostree-status-json=yes ` +
  'ignition.firstboot=yes system=running hostname=h';

describe('testbed/vm/boot-report', () => {
  it('parses a full report line, lists split on commas', () => {
    const report = parseBootReport(
      `${BASE} boot-ignition=none core-keys=a@b,c@d etc-ica=hello:644:${'1'.repeat(64)} ` +
        'units=ica-hello.service:enabled:active,ica-x.service:disabled:inactive\n',
    );

    expect(report).to.deep.equal({
      ostree: '/ostree/boot.1/fedora-coreos/abc/0',
      ostreeBooted: true,
      ostreeVersion: '2026.4',
      ostreeStatusJson: true,
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

  it('reads the ostree fields of an old ostree (no version printed, no --json)', () => {
    const line = BASE.replace(
      'ostree-version=2026.4 ostree-status-json=yes',
      'ostree-version=unknown ostree-status-json=no',
    );

    const report = parseBootReport(`${line} boot-ignition=none core-keys=none etc-ica=none units=none`);

    expect(report.ostreeVersion).to.equal('unknown');
    expect(report.ostreeStatusJson).to.equal(false);
  });

  const versions: Array<[string, string, boolean]> = [
    ['2026.4', '2025.3', true],
    ['2025.3', '2025.3', true],
    ['2025.10', '2025.3', true],
    ['2025.2', '2025.3', false],
    ['2022.7', '2025.3', false],
    ['2025', '2025.3', false],
    ['2025.3.1', '2025.3', true],
  ];
  for (const [version, minimum, expected] of versions) {
    it(`isVersionAtLeast(${version}, ${minimum}) is ${expected}`, () => {
      expect(isVersionAtLeast(version, minimum)).to.equal(expected);
    });
  }

  it('isVersionAtLeast refuses what is not a dotted version, naming it', () => {
    expect(() => isVersionAtLeast('unknown', '2025.3'))
      .to.throw(BootReportError)
      .with.property('message')
      .that.matches(/not a dotted version: 'unknown'/);
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
