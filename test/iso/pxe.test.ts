import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { IsoError } from '../../iso/errors.js';
import { Initrd, initrdToCpio } from '../../iso/initrd.js';
import { unwrapIgnition, wrapIgnition } from '../../iso/pxe.js';
import { expectRejection, realCodecs, runner, sha256 } from '../helpers/iso-fixtures.js';

const codecs = realCodecs();
/** `{"ignition": {"version": "3.0.0"}}\n` wrapped: sha256 computed independently with Python's lzma module. */
const VALID_CONFIG = Buffer.from('{"ignition": {"version": "3.0.0"}}\n');
const VALID_WRAPPED_SHA256 = '8e3d233807e9191e6dc7490c2583ee43b873ab40da204587b4a877e83ef90003';

describe('iso/pxe', () => {
  it('wraps a config into the same xz initrd coreos-installer writes', async () => {
    const wrapped = await wrapIgnition(VALID_CONFIG, 'stdin', codecs.xz);

    expect(wrapped.length).to.equal(148);
    expect(sha256(wrapped)).to.equal(VALID_WRAPPED_SHA256);
  });

  it('produces an initrd that GNU xz and cpio unpack', async () => {
    const wrapped = await wrapIgnition(VALID_CONFIG, 'stdin', codecs.xz);

    const { stdout } = await runner.run(['sh', '-c', 'xz -dc | cpio -i --quiet --to-stdout config.ign'], {
      input: wrapped,
    });

    expect(stdout).to.equal(VALID_CONFIG.toString());
  });

  it('refuses input that is not JSON', async () => {
    await expectRejection(
      wrapIgnition(Buffer.from('ignition: yes'), 'conf.yaml', codecs.xz),
      IsoError,
      'Ignition config from conf.yaml is not valid JSON',
    );
  });

  it('unwraps its own output and any initrd holding config.ign', async () => {
    const other = new Initrd();
    other.add('config.ign', Buffer.from('{"from": "gzip"}'));
    other.add('etc/other', Buffer.from('x'));

    expect(await unwrapIgnition(await wrapIgnition(VALID_CONFIG, 'stdin', codecs.xz), codecs)).to.deep.equal(
      VALID_CONFIG,
    );
    expect((await unwrapIgnition(gzipSync(initrdToCpio(other)), codecs)).toString()).to.equal('{"from": "gzip"}');
  });

  it('reports an initrd without config.ign', async () => {
    const other = new Initrd();
    other.add('etc/other', Buffer.from('x'));

    await expectRejection(
      unwrapIgnition(initrdToCpio(other), codecs),
      IsoError,
      "couldn't find Ignition config in archive",
    );
    await expectRejection(
      unwrapIgnition(Buffer.alloc(0), codecs),
      IsoError,
      "couldn't find Ignition config in archive",
    );
  });
});
