import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { copyFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorChain } from '../../common/cli/report.js';
import { IsoError } from '../../iso/errors.js';
import {
  ALREADY_EMBEDDED,
  embedIgnition,
  NOT_EMBEDDED,
  removeIgnition,
  showIgnition,
  validateIgnitionJson,
  type EmbedOptions,
} from '../../iso/ignition.js';
import { Initrd } from '../../iso/initrd.js';
import { bufferByteSource } from '../../iso/iso9660.js';
import { readLiveIso, renderArea } from '../../iso/live-iso.js';
import {
  AREA_SIZE,
  buildIso,
  captureIO,
  expectRejection,
  makeTempDir,
  read,
  realCodecs,
  removeTempDir,
  runner,
  sha256,
  type IsoLayout,
} from '../helpers/iso-fixtures.js';

const codecs = realCodecs();
const CONFIG = Buffer.from(
  '{"ignition": {"version": "3.2.0"}, "passwd": {"users": [{"name": "core", "passwordHash": "$6$secret-hash"}]}}\n',
);
const OTHER = Buffer.from('{"ignition": {"version": "3.0.0"}}\n');
const NETWORK_FILE = 'etc/coreos-firstboot-network/eth0.nmconnection';

function deps(stdoutIsTty = false): {
  codecs: typeof codecs;
  stdout: NodeJS.WritableStream;
  io: ReturnType<typeof captureIO>;
} {
  const io = captureIO({ stdoutIsTty });
  return { codecs, stdout: io.stdout, io };
}

function embedOptions(isoPath: string, overrides: Partial<EmbedOptions> = {}): EmbedOptions {
  return {
    isoPath,
    ignition: CONFIG,
    ignitionSource: 'config.ign',
    force: false,
    output: { kind: 'in-place' },
    ...overrides,
  };
}

async function area(isoPath: string): Promise<{ offset: number; length: number }> {
  return (await readLiveIso(bufferByteSource(await read(isoPath)), codecs)).area;
}

/** Extract config.ign with isoinfo/dd, xz and GNU cpio: a reader independent of ours. */
async function extractIndependently(isoPath: string, layout: IsoLayout): Promise<string> {
  const { offset, length } = await area(isoPath);
  const source =
    layout === 's390x'
      ? `dd if="$1" bs=1 skip=${offset} count=${length} status=none`
      : 'isoinfo -i "$1" -x "/IMAGES/IGNITION.IMG;1"';
  const script = `${source} | xz -dc --single-stream | cpio -i --quiet --to-stdout config.ign`;
  return (await runner.run(['sh', '-c', script, 'extract', isoPath])).stdout;
}

describe('iso/ignition', () => {
  let dir: string | undefined;
  const pristine: Partial<Record<IsoLayout, string>> = {};
  let counter = 0;

  /** A fresh copy of a pristine image of `layout`. */
  async function copyOf(layout: IsoLayout): Promise<string> {
    counter += 1;
    const path = join(dir ?? '', `copy-${counter}-${layout}.iso`);
    await copyFile(pristine[layout] ?? '', path);
    return path;
  }

  before(async () => {
    dir = await makeTempDir();
    for (const layout of ['igninfo', 'legacy', 's390x', 'plain'] as const)
      pristine[layout] = await buildIso(dir, layout);
  });

  after(async () => removeTempDir(dir));

  for (const layout of ['igninfo', 'legacy', 's390x'] as const) {
    describe(`${layout} layout`, () => {
      it('embeds a config that show and an independent extraction both return', async () => {
        const iso = await copyOf(layout);

        await embedIgnition(embedOptions(iso), deps());

        expect(await showIgnition(iso, codecs)).to.deep.equal(CONFIG);
        expect(await extractIndependently(iso, layout)).to.equal(CONFIG.toString());
      });

      it('removes it again, giving back the byte-identical pristine image', async () => {
        const iso = await copyOf(layout);
        await embedIgnition(embedOptions(iso), deps());

        await removeIgnition({ isoPath: iso, output: { kind: 'in-place' } }, deps());

        expect(sha256(await read(iso))).to.equal(sha256(await read(pristine[layout] ?? '')));
        await expectRejection(showIgnition(iso, codecs), IsoError, NOT_EMBEDDED);
      });
    });
  }

  it('rewrites only the embed area in place', async () => {
    const iso = await copyOf('igninfo');
    const before = await read(iso);
    const { offset, length } = await area(iso);

    await embedIgnition(embedOptions(iso), deps());
    const after = await read(iso);

    expect(after.length).to.equal(before.length);
    expect(after.subarray(0, offset).equals(before.subarray(0, offset))).to.equal(true);
    expect(after.subarray(offset + length).equals(before.subarray(offset + length))).to.equal(true);
    expect(after.subarray(offset, offset + 6)).to.deep.equal(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
  });

  it('refuses to replace a config without force, and replaces it with force', async () => {
    const iso = await copyOf('igninfo');
    await embedIgnition(embedOptions(iso), deps());
    const embedded = sha256(await read(iso));

    await expectRejection(embedIgnition(embedOptions(iso, { ignition: OTHER }), deps()), IsoError, ALREADY_EMBEDDED);
    expect(sha256(await read(iso))).to.equal(embedded);
    await embedIgnition(embedOptions(iso, { ignition: OTHER, force: true }), deps());

    expect(await showIgnition(iso, codecs)).to.deep.equal(OTHER);
  });

  it('rejects a config whose compressed initramfs exceeds the area, leaving the ISO untouched', async () => {
    const iso = await copyOf('legacy');
    const big = Buffer.from(
      JSON.stringify({ ignition: { version: '3.0.0' }, junk: randomBytes(300000).toString('base64') }),
    );

    const error = await expectRejection(
      embedIgnition(embedOptions(iso, { ignition: big }), deps()),
      IsoError,
      'Compressed initramfs is too large: ',
    );

    expect(error.message).to.match(new RegExp(`^Compressed initramfs is too large: \\d+ > ${AREA_SIZE}$`));
    expect(Number(/: (\d+) >/.exec(error.message)?.[1])).to.be.greaterThan(AREA_SIZE);
    expect(sha256(await read(iso))).to.equal(sha256(await read(pristine.legacy ?? '')));
  });

  it('reports a non-CoreOS ISO as "Unrecognized CoreOS ISO image."', async () => {
    const iso = await copyOf('plain');

    const attempts = [
      () => embedIgnition(embedOptions(iso), deps()),
      () => showIgnition(iso, codecs),
      () => removeIgnition({ isoPath: iso, output: { kind: 'in-place' } }, deps()),
    ];
    for (const attempt of attempts) {
      const error = await expectRejection(attempt(), IsoError, 'Unrecognized CoreOS ISO image.');
      expect(error.message).to.equal('Unrecognized CoreOS ISO image.');
    }
    expect(sha256(await read(iso))).to.equal(sha256(await read(pristine.plain ?? '')));
  });

  it('warns about input that is not a JSON object without quoting it, and embeds it unchanged like coreos-installer', async () => {
    const iso = await copyOf('igninfo');
    const secret = Buffer.from('{"passwd": "hunter2-secret"');
    const warnings: string[] = [];

    await embedIgnition(
      embedOptions(iso, { ignition: secret, ignitionSource: 'my.ign', onWarning: (m) => warnings.push(m) }),
      deps(),
    );

    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('Ignition config from my.ign is not valid JSON');
    expect(warnings[0]).not.to.include('hunter2');
    expect(await showIgnition(iso, deps().codecs)).to.deep.equal(secret);
    expect(() => validateIgnitionJson(Buffer.from('[1]'), 'stdin')).to.throw(
      IsoError,
      'Ignition config from stdin must be a JSON object',
    );
    // the 34-byte golden config of the embed tests lacks a closing brace
    expect(() => validateIgnitionJson(Buffer.from('{"ignition": {"version": "3.0.0"}\n'), 'stdin')).to.throw(
      IsoError,
      'not valid JSON',
    );
  });

  it('writes a new 0600 file with -o, leaving the input untouched', async () => {
    const iso = await copyOf('igninfo');
    const output = join(dir ?? '', 'new-output.iso');

    await embedIgnition(embedOptions(iso, { output: { kind: 'file', path: output } }), deps());

    expect(sha256(await read(iso))).to.equal(sha256(await read(pristine.igninfo ?? '')));
    expect(await showIgnition(output, codecs)).to.deep.equal(CONFIG);
    expect((await stat(output)).mode & 0o777).to.equal(0o600);
    expect((await readdir(dir ?? '')).filter((n) => n.includes('-temp-'))).to.deep.equal([]);
  });

  it('refuses an existing -o file without touching it or the input', async () => {
    const iso = await copyOf('igninfo');
    const output = join(dir ?? '', 'existing.iso');
    await writeFile(output, 'keep me');

    await expectRejection(
      embedIgnition(embedOptions(iso, { output: { kind: 'file', path: output } }), deps()),
      IsoError,
      `Output file ${output} already exists`,
    );

    expect((await read(output)).toString()).to.equal('keep me');
    expect(sha256(await read(iso))).to.equal(sha256(await read(pristine.igninfo ?? '')));
  });

  it('streams the whole modified image with -o -, identical to an in-place edit', async () => {
    const streamed = await copyOf('s390x');
    const inPlace = await copyOf('s390x');
    const d = deps();

    await embedIgnition(embedOptions(streamed, { output: { kind: 'stdout' } }), d);
    await embedIgnition(embedOptions(inPlace), deps());

    expect(sha256(d.io.out())).to.equal(sha256(await read(inPlace)));
    expect(sha256(await read(streamed))).to.equal(sha256(await read(pristine.s390x ?? '')));
  });

  it('refuses to stream the image to a terminal', async () => {
    const iso = await copyOf('igninfo');
    const d = deps(true);

    await expectRejection(
      removeIgnition({ isoPath: iso, output: { kind: 'stdout' } }, d),
      IsoError,
      'Refusing to write binary data to terminal',
    );

    expect(d.io.out().length).to.equal(0);
  });

  it('keeps other initrd members on embed and remove', async () => {
    const iso = await copyOf('igninfo');
    const { offset } = await area(iso);
    const initrd = new Initrd();
    initrd.add(NETWORK_FILE, Buffer.from('[connection]\nid=eth0\n'));
    const image = await read(iso);
    (await renderArea(initrd, AREA_SIZE, codecs.xz)).copy(image, offset);
    await writeFile(iso, image);

    await embedIgnition(embedOptions(iso), deps());
    const embedded = (await readLiveIso(bufferByteSource(await read(iso)), codecs)).initrd;
    await removeIgnition({ isoPath: iso, output: { kind: 'in-place' } }, deps());
    const removed = (await readLiveIso(bufferByteSource(await read(iso)), codecs)).initrd;

    expect(embedded.paths()).to.deep.equal(['config.ign', NETWORK_FILE]);
    expect(removed.paths()).to.deep.equal([NETWORK_FILE]);
    expect(removed.get(NETWORK_FILE)?.toString()).to.equal('[connection]\nid=eth0\n');
  });

  it('names the ISO it cannot open', async () => {
    const missing = join(dir ?? '', 'missing.iso');

    const error = await expectRejection(showIgnition(missing, codecs), IsoError, `opening ${missing}`);

    expect(errorChain(error)[1]).to.include('ENOENT');
  });
});
