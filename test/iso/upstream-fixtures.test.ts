import { main } from '../../cli/index.js';
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { embedIgnition, removeIgnition, showIgnition } from '../../iso/ignition.js';
import { INITRD_IGNITION_PATH } from '../../iso/initrd.js';
import { bufferByteSource } from '../../iso/iso9660.js';
import { readLiveIso, renderArea } from '../../iso/live-iso.js';
import {
  AREA_SIZE,
  captureIO,
  makeTempDir,
  read,
  realCodecs,
  removeTempDir,
  runner,
  sha256,
  skipMissingFixtures,
  unxzFixture,
  upstreamFixtures,
} from '../helpers/iso-fixtures.js';

const codecs = realCodecs();

/**
 * Embed-area offsets derived from coreos/coreos-installer src/live/embed.rs and
 * checked with `isoinfo -x /IMAGES/IGNITION.IMG` (the 2021-09 one is also
 * asserted by coreos-installer's own unit test).
 */
const REFERENCE_OFFSETS: Record<string, number> = {
  'embed-areas-2020-09.iso': 92160,
  'embed-areas-2021-09.iso': 102400,
  'embed-areas-2022-02.iso': 159744,
  'embed-areas-2023-07.x86_64.iso': 139264,
  'embed-areas-2023-07.s390x.iso': 203776,
};
/**
 * The config of the golden hashes: 34 bytes, one closing brace short of valid
 * JSON. Its cpio is 284 bytes and its xz payload 148 bytes, as coreos-installer's
 * Initrd::to_bytes writes them (src/io/initrd.rs: newc, xz preset 9, CRC32).
 */
const REFERENCE_CONFIG = Buffer.from('{"ignition": {"version": "3.0.0"}\n');
const PRISTINE_2023_07_X86_64 = 'a4079e6ffe863a6ab4a1f6c3f8e52c9aa84619f770c1aaba9137bddb6ffc6519';
const EMBEDDED_REFERENCE_2023_07_X86_64 = '15d8c0f07ea38b3c0d74530fdaba8955f63d6eb9d262072def6b2032c2d9fd31';
/**
 * The same image with the valid 35-byte config `{"ignition": {"version": "3.0.0"}}\n`,
 * computed independently with Python's lzma module (liblzma, preset 9, CRC32)
 * and a hand-written newc writer.
 */
const VALID_CONFIG = Buffer.from('{"ignition": {"version": "3.0.0"}}\n');
const EMBEDDED_VALID_2023_07_X86_64 = '6bc328b92d4c35e68675239e45aa65c40bc6aeefeb0bb430a6cae38bb1f37d1a';

const isoDir = join(upstreamFixtures, 'iso');
const fixtureNames = existsSync(isoDir)
  ? (await readdir(isoDir)).filter((n) => /^embed-areas-.*\.iso\.xz$/.test(n)).sort()
  : [];

/** Offset of the area according to isoinfo's directory listing (independent of our reader). */
async function isoinfoOffset(iso: string, s390x: boolean): Promise<number> {
  const { stdout } = await runner.run(['isoinfo', '-i', iso, '-l']);
  const name = s390x ? 'CDBOOT.IMG;1' : 'IGNITION.IMG;1';
  const line = stdout.split('\n').find((l) => l.trimEnd().endsWith(` ${name}`)) ?? '';
  const sector = Number(/\[\s*(\d+) /.exec(line)?.[1]);
  return sector * 2048 + (s390x ? 132096 : 0);
}

/** config.ign extracted with isoinfo (or dd on s390x), xz and GNU cpio. */
async function extract(iso: string, offset: number, s390x: boolean): Promise<string> {
  const source = s390x
    ? `dd if="$1" bs=512 skip=${offset / 512} count=${AREA_SIZE / 512} status=none`
    : 'isoinfo -i "$1" -x "/IMAGES/IGNITION.IMG;1"';
  return (
    await runner.run([
      'sh',
      '-c',
      `${source} | xz -dc --single-stream | cpio -i --quiet --to-stdout ${INITRD_IGNITION_PATH}`,
      'extract',
      iso,
    ])
  ).stdout;
}

describe(`iso: upstream coreos-installer fixture ISOs (${isoDir})`, () => {
  let dir: string | undefined;

  before(async function () {
    if (fixtureNames.length === 0) skipMissingFixtures(this);
    dir = await makeTempDir();
  });

  after(async () => removeTempDir(dir));

  it('finds all ten embed-areas fixtures', () => {
    expect(fixtureNames).to.have.length(10);
  });

  for (const name of fixtureNames) {
    const iso = name.replace(/\.xz$/, '');
    const s390x = iso.includes('s390x');

    it(`${iso}: area offset, embed, independent extraction, show, remove to pristine`, async () => {
      const pristine = (await unxzFixture(`iso/${name}`, dir ?? '')) ?? '';
      const work = join(dir ?? '', `work-${iso}`);
      await copyFile(pristine, work);

      const { area } = await readLiveIso(bufferByteSource(await read(work)), codecs);
      await embedIgnition(
        { isoPath: work, ignition: VALID_CONFIG, ignitionSource: 'test', force: false, output: { kind: 'in-place' } },
        { codecs, stdout: captureIO().stdout },
      );
      const extracted = await extract(work, area.offset, s390x);
      const shown = await showIgnition(work, codecs);
      await removeIgnition({ isoPath: work, output: { kind: 'in-place' } }, { codecs, stdout: captureIO().stdout });

      expect(area.length).to.equal(AREA_SIZE);
      expect(area.offset).to.equal(await isoinfoOffset(pristine, s390x));
      if (REFERENCE_OFFSETS[iso] !== undefined) expect(area.offset).to.equal(REFERENCE_OFFSETS[iso]);
      expect(extracted).to.equal(VALID_CONFIG.toString());
      expect(shown).to.deep.equal(VALID_CONFIG);
      expect(sha256(await read(work))).to.equal(sha256(await read(pristine)));
    });
  }

  describe('golden hashes of embed-areas-2023-07.x86_64.iso', () => {
    let pristine = '';

    before(async function () {
      const path = await unxzFixture('iso/embed-areas-2023-07.x86_64.iso.xz', dir ?? '');
      if (path === undefined) skipMissingFixtures(this);
      pristine = path;
    });

    it('starts from the reference pristine image', async () => {
      expect(sha256(await read(pristine))).to.equal(PRISTINE_2023_07_X86_64);
    });

    it('gives the reference image for the reference config (area layer, which does not validate JSON)', async () => {
      const image = await read(pristine);
      const iso = await readLiveIso(bufferByteSource(image), codecs);
      iso.initrd.add(INITRD_IGNITION_PATH, REFERENCE_CONFIG);

      const area = await renderArea(iso.initrd, iso.area.length, codecs.xz);
      const patched = Buffer.from(image);
      area.copy(patched, iso.area.offset);

      expect(sha256(patched)).to.equal(EMBEDDED_REFERENCE_2023_07_X86_64);
      expect(patched.subarray(0, 139264).equals(image.subarray(0, 139264))).to.equal(true);
      expect(patched.subarray(139264 + 148).equals(image.subarray(139264 + 148))).to.equal(true);
    });

    it('embedding the reference config through the CLI gives the reference sha256, with a warning', async () => {
      const work = join(dir ?? '', 'golden-cli.iso');
      const config = join(dir ?? '', 'reference.ign');
      await writeFile(work, await read(pristine));
      await writeFile(config, REFERENCE_CONFIG);
      const io = captureIO();

      const code = await main(['iso', 'ignition', 'embed', '-i', config, work], io);

      expect(code).to.equal(0);
      expect(sha256(await read(work))).to.equal(EMBEDDED_REFERENCE_2023_07_X86_64);
      expect(io.err()).to.include('is not valid JSON');
    });

    it('gives the independently computed image for a valid config through embed', async () => {
      const work = join(dir ?? '', 'golden-valid.iso');
      await writeFile(work, await read(pristine));

      await embedIgnition(
        { isoPath: work, ignition: VALID_CONFIG, ignitionSource: 'test', force: false, output: { kind: 'in-place' } },
        { codecs, stdout: captureIO().stdout },
      );

      expect(sha256(await read(work))).to.equal(EMBEDDED_VALID_2023_07_X86_64);
    });
  });
});
