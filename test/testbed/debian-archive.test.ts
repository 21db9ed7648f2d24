/**
 * testbed/debian-archive: the parsers (pure), then fetchPinnedDeb with real
 * curl, gpgv and xz against a local copy of the machine's mirror (forky's
 * signed InRelease, its Packages.xz and forky's grub-efi-amd64-bin, seeded
 * once from that mirror), so the tampered cases can be served too. The fetch
 * tests skip when the mirror, curl or gpgv is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { findArchiveMirror, readAptSources } from '../../testbed/apt-sources.js';
import {
  DEBIAN_ARCHIVE_KEYRING,
  debFileName,
  fetchPinnedDeb,
  packageRecord,
  releaseEntry,
  sha256File,
  type PinnedDeb,
} from '../../testbed/debian-archive.js';
import { FORKY_GRUB_EFI } from '../../testbed/vm/forky-grub.js';
import { listen, type Started } from '../helpers/http.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const RELEASE = [
  'Codename: forky',
  'MD5Sum:',
  ` ${'c'.repeat(32)} 10 main/binary-amd64/Packages.xz`,
  'SHA256:',
  ` ${SHA_B}      5 main/binary-amd64/Packages`,
  ` ${SHA_A} 10093888 main/binary-amd64/Packages.xz`,
  '',
].join('\n');
const PACKAGES = [
  'Package: grub-efi-amd64-bin-extra',
  'Version: 9',
  '',
  'Package: grub-efi-amd64-bin',
  'Version: 2.14-4',
  'Filename: pool/main/g/grub2/grub-efi-amd64-bin_2.14-4_amd64.deb',
  `SHA256: ${SHA_A}`,
  '',
  'Package: grub-common',
  'Version: 2.14-4',
  '',
].join('\n');

describe('testbed/debian-archive', () => {
  it("reads a path's SHA256 from the Release text's SHA256 section, not MD5Sum's", () => {
    expect(releaseEntry(RELEASE, 'main/binary-amd64/Packages.xz')).to.deep.equal({ sha256: SHA_A, size: 10093888 });
    expect(releaseEntry(RELEASE, 'main/binary-amd64/Packages')).to.deep.equal({ sha256: SHA_B, size: 5 });
  });

  it('refuses a path the Release text does not list', () => {
    expect(() => releaseEntry(RELEASE, 'main/binary-i386/Packages.xz')).to.throw(
      'The signed Release file lists no SHA256 for main/binary-i386/Packages.xz',
    );
  });

  it("reads the package's own stanza, not one whose name it prefixes", () => {
    expect(packageRecord(PACKAGES, 'grub-efi-amd64-bin')).to.deep.equal({
      version: '2.14-4',
      filename: 'pool/main/g/grub2/grub-efi-amd64-bin_2.14-4_amd64.deb',
      sha256: SHA_A,
    });
  });

  for (const [name, message] of [
    ['grub-pc-bin', 'The Packages index has no package grub-pc-bin'],
    ['grub-common', "The Packages index's stanza of grub-common lacks Version, Filename or SHA256"],
  ] as const) {
    it(`refuses ${name}: ${message}`, () => {
      expect(() => packageRecord(PACKAGES, name)).to.throw(message);
    });
  }

  it('names the cached file as the pool does, without an epoch', () => {
    expect(debFileName({ ...FORKY_GRUB_EFI, version: '1:2.14-4' })).to.equal('grub-efi-amd64-bin_2.14-4_amd64.deb');
  });

  describe('fetchPinnedDeb (real curl, gpgv and xz; a local copy of the mirror)', function () {
    this.timeout(10 * 60_000);
    const runner = new ExecaRunner();
    let work = '';
    let local = '';
    let server: Started | undefined;
    let mirrorUrl = '';

    before(async function () {
      const mirror = findArchiveMirror(await readAptSources(), FORKY_GRUB_EFI.suite);
      const tools = ['curl', 'gpgv', 'xz'].filter((t) => !existsSync(`/usr/bin/${t}`));
      if (mirror === null || tools.length > 0 || !existsSync(DEBIAN_ARCHIVE_KEYRING)) {
        console.log(`      skipped: needs a Debian mirror in /etc/apt, debian-archive-keyring and ${tools.join(', ')}`);
        this.skip();
      }
      work = mkdtempSync(join(tmpdir(), 'ica-debian-archive-'));
      local = join(work, 'mirror');
      const base = (mirror ?? '').replace(/\/+$/, '');
      const forky = `dists/${FORKY_GRUB_EFI.suite}`;
      const pool = `pool/main/g/grub2/${debFileName(FORKY_GRUB_EFI)}`;
      for (const path of [`${forky}/InRelease`, `${forky}/main/binary-amd64/Packages.xz`, pool]) {
        mkdirSync(dirname(join(local, path)), { recursive: true });
        execFileSync('curl', ['-fsSL', '--retry', '3', '-o', join(local, path), `${base}/${path}`]);
      }
      server = await listen((req, res) => {
        readFile(join(local, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))).then(
          (data) => res.end(data),
          () => res.writeHead(404).end(),
        );
      });
      mirrorUrl = server.url;
    });

    after(async () => {
      await server?.close();
      if (work !== '') rmSync(work, { recursive: true, force: true });
    });

    function destDir(name: string): string {
      return join(work, name);
    }

    function flipLastByte(data: Buffer): Buffer {
      data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 0xff;
      return data;
    }

    /** Replace a file of the local mirror, run fn, put the original back. */
    async function withTampered(path: string, edit: (data: Buffer) => Buffer, fn: () => Promise<void>): Promise<void> {
      const file = join(local, path);
      const original = readFileSync(file);
      writeFileSync(file, edit(Buffer.from(original)));
      try {
        await fn();
      } finally {
        writeFileSync(file, original);
      }
    }

    it('fetches the pinned .deb whose SHA256 the signed index gives', async () => {
      const deb = await fetchPinnedDeb(FORKY_GRUB_EFI, `${mirrorUrl}/`, destDir('ok'), runner);

      expect(deb).to.equal(join(destDir('ok'), 'grub-efi-amd64-bin_2.14-4_amd64.deb'));
      expect(await sha256File(deb)).to.equal(FORKY_GRUB_EFI.sha256);
      expect(readdirSync(destDir('ok'))).to.deep.equal([debFileName(FORKY_GRUB_EFI)]);
    });

    it('refuses an InRelease whose signed text was changed, and keeps nothing', async () => {
      const path = `dists/${FORKY_GRUB_EFI.suite}/InRelease`;
      const edit = (data: Buffer): Buffer =>
        Buffer.from(data.toString('utf8').replace('Codename: forky', 'Codename: forkz'));

      await withTampered(path, edit, async () => {
        const error = await fetchPinnedDeb(FORKY_GRUB_EFI, mirrorUrl, destDir('bad-sig'), runner).catch(
          (e: unknown) => e,
        );

        expect(String(error)).to.contain(`${mirrorUrl}/${path} is not signed by a key of ${DEBIAN_ARCHIVE_KEYRING}`);
      });
      expect(readdirSync(destDir('bad-sig'))).to.deep.equal([]);
    });

    it('refuses a .deb whose SHA256 is not the index’s, and keeps nothing', async () => {
      const path = `pool/main/g/grub2/${debFileName(FORKY_GRUB_EFI)}`;
      await withTampered(path, flipLastByte, async () => {
        const error = await fetchPinnedDeb(FORKY_GRUB_EFI, mirrorUrl, destDir('bad-deb'), runner).catch(
          (e: unknown) => e,
        );

        expect(String(error)).to.match(
          new RegExp(`${path} has SHA256 [0-9a-f]{64}, the signed index says ${FORKY_GRUB_EFI.sha256}`),
        );
      });
      expect(readdirSync(destDir('bad-deb'))).to.deep.equal([]);
    });

    it('refuses a Packages index whose SHA256 is not the signed Release’s, and keeps nothing', async () => {
      const path = `dists/${FORKY_GRUB_EFI.suite}/main/binary-amd64/Packages.xz`;

      await withTampered(path, flipLastByte, async () => {
        const error = await fetchPinnedDeb(FORKY_GRUB_EFI, mirrorUrl, destDir('bad-index'), runner).catch(
          (e: unknown) => e,
        );

        expect(String(error)).to.match(
          new RegExp(`${path} has SHA256 [0-9a-f]{64}, the signed Release says [0-9a-f]{64}`),
        );
      });
      expect(readdirSync(destDir('bad-index'))).to.deep.equal([]);
    });

    it('names the version the mirror serves when it is not the pinned one', async () => {
      const pin: PinnedDeb = { ...FORKY_GRUB_EFI, version: '2.14-3' };

      const error = await fetchPinnedDeb(pin, mirrorUrl, destDir('bad-pin'), runner).catch((e: unknown) => e);

      expect(String(error)).to.contain(
        `forky's grub-efi-amd64-bin on ${mirrorUrl} is 2.14-4 (SHA256 ${FORKY_GRUB_EFI.sha256}), not the pinned 2.14-3`,
      );
      expect(readdirSync(destDir('bad-pin'))).to.deep.equal([]);
    });
  });
});
