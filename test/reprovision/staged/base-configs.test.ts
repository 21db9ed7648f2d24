import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidCommandParamsError } from '../../../common/errors.js';
import { NodeFs } from '../../../common/fs/node-fs.js';
import { clearBaseConfigs, copyBaseConfigs } from '../../../reprovision/staged/base-configs.js';
import { addToTree, makeTree } from '../../helpers/fs-tree.js';

describe('reprovision/staged/base-configs', () => {
  const fs = new NodeFs();
  let from: string;
  let system: string;

  beforeEach(async () => {
    from = await makeTree('base-from', {
      'base.d/00-core.ign': '{"core":1}',
      'base.d/README': 'not a config',
      'base.platform.d/metal/10-metal.ign': '{"metal":1}',
      'base.platform.d/qemu/10-qemu.ign': '{"qemu":1}',
    });
    system = await mkdtemp(join(tmpdir(), 'base-system-'));
  });

  afterEach(async () => {
    await rm(from, { recursive: true, force: true });
    await rm(system, { recursive: true, force: true });
  });

  it('copies base.d and the platform directory only, *.ign only, 0600', async () => {
    const copied = await copyBaseConfigs(fs, from, system, 'metal');

    expect(copied).to.deep.equal(['base.d/00-core.ign', 'base.platform.d/metal/10-metal.ign']);
    expect(await readFile(join(system, 'base.d', '00-core.ign'), 'utf8')).to.equal('{"core":1}');
    expect(await readdir(join(system, 'base.platform.d'))).to.deep.equal(['metal']);
    expect((await stat(join(system, 'base.d', '00-core.ign'))).mode & 0o777).to.equal(0o600);
    expect((await stat(join(system, 'base.d'))).mode & 0o777).to.equal(0o700);
  });

  it('copies nothing from a directory without base configs', async () => {
    expect(await copyBaseConfigs(fs, join(from, 'missing'), system, 'metal')).to.deep.equal([]);
    expect(await readdir(system)).to.deep.equal([]);
  });

  it('refuses a platform id that would leave base.platform.d', async () => {
    const error = await copyBaseConfigs(fs, from, system, '..').catch((e: unknown) => e);

    expect(error).to.be.instanceOf(InvalidCommandParamsError);
  });

  it('clears what an earlier run copied, for any platform, and nothing else', async () => {
    await copyBaseConfigs(fs, from, system, 'qemu');
    await addToTree(system, { 'user.ign': '{}' });

    await clearBaseConfigs(fs, system);

    expect(await readdir(join(system, 'base.d'))).to.deep.equal([]);
    expect(await readdir(join(system, 'base.platform.d', 'qemu'))).to.deep.equal([]);
    expect(await readFile(join(system, 'user.ign'), 'utf8')).to.equal('{}');
  });

  it('clears nothing in an empty system dir', async () => {
    await clearBaseConfigs(fs, system);

    expect(await readdir(system)).to.deep.equal([]);
  });
});
