import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  installedVersion,
  ironicVersionIn,
  IRONIC_SUITES,
  parseSuites,
  SUITE_PROFILES,
  upstreamVersion,
} from '../../testbed/ironic-suites.js';

const STATUS = [
  'Package: python3-ironicclient',
  'Status: install ok installed',
  'Version: 5.10.0-5',
  '',
  'Package: python3-ironic',
  'Status: install ok installed',
  'Architecture: all',
  'Version: 1:29.0.5-0+deb13u3',
  '',
  'Package: ironic-inspector',
  'Status: deinstall ok config-files',
  'Version: 12.4.0-2',
  '',
].join('\n');

describe('testbed/ironic-suites', () => {
  describe('parseSuites', () => {
    it('means every suite, oldest first, when unset or empty', () => {
      expect(parseSuites(undefined)).to.deep.equal(['bookworm', 'trixie', 'forky']);
      expect(parseSuites(' ,')).to.deep.equal([...IRONIC_SUITES]);
    });

    it('keeps the named suites in release order, ignoring spaces and duplicates', () => {
      expect(parseSuites('forky, bookworm,forky')).to.deep.equal(['bookworm', 'forky']);
    });

    it('refuses an unknown suite, naming the valid ones', () => {
      expect(() => parseSuites('bookworm,sid')).to.throw(
        'ICA_IRONIC_SUITES: unknown suite "sid"; valid suites are bookworm, trixie, forky',
      );
    });
  });

  it('upstreamVersion drops the epoch and the Debian revision', () => {
    expect(['1:29.0.5-0+deb13u3', '1:35.0.1-10', '21.4.4', '5.0.1-2'].map(upstreamVersion)).to.deep.equal([
      '29.0.5',
      '35.0.1',
      '21.4.4',
      '5.0.1',
    ]);
  });

  it('installedVersion reads an installed package from a dpkg status file, and not a removed one', () => {
    expect(installedVersion(STATUS, 'python3-ironic')).to.equal('1:29.0.5-0+deb13u3');
    expect(installedVersion(STATUS, 'ironic-inspector')).to.equal(undefined);
    expect(installedVersion(STATUS, 'ironic')).to.equal(undefined);
  });

  it('ironicVersionIn reads the version under a root, undefined while the root is not built', () => {
    const root = mkdtempSync(join(tmpdir(), 'suites-'));
    try {
      expect(ironicVersionIn(root)).to.equal(undefined);
      mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
      writeFileSync(join(root, 'var/lib/dpkg/status'), STATUS);
      expect(ironicVersionIn(root)).to.equal('29.0.5');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('profiles: bookworm from the machine, the others from roots; inspection by ironic-inspector on bookworm only', () => {
    expect(IRONIC_SUITES.map((s) => [s, SUITE_PROFILES[s].fromHost, SUITE_PROFILES[s].inspection])).to.deep.equal([
      ['bookworm', true, 'inspector'],
      ['trixie', false, 'agent'],
      ['forky', false, 'agent'],
    ]);
    for (const s of IRONIC_SUITES)
      expect(SUITE_PROFILES[s].packages).to.include.members(['ironic-api', 'ironic-conductor', 'python3-ironicclient']);
  });

  it("the forky root also carries ostree (the reprovision tests' recent ostree, testbed/ostree-tools.ts)", () => {
    expect(SUITE_PROFILES.forky.packages).to.include('ostree');
    expect(SUITE_PROFILES.trixie.packages).to.not.include('ostree');
  });
});
