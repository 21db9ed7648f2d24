import { expect } from 'chai';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { NodeFs } from '../../../common/fs/node-fs.js';
import {
  bootedDeployment,
  deploymentDir,
  parseDeployLink,
  readDeployments,
} from '../../../reprovision/sysroot/deployments.js';
import { makeTree } from '../../helpers/fs-tree.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const BOOT = `ostree/boot.0/fedora-coreos/${'e'.repeat(64)}`;

/** A sysroot laid out as ostree 2022.7 leaves it after two deploys (see bls.test.ts). */
function sysrootSpec(): Record<string, string | { link: string } | { dir: true }> {
  return {
    'boot/loader/entries/ostree-2-fedora-coreos.conf': `title x\nversion 2\noptions rw $ignition_firstboot ostree=/${BOOT}/0\n`,
    'boot/loader/entries/ostree-1-fedora-coreos.conf': `title x\nversion 1\noptions rw ostree=/${BOOT}/1\n`,
    [`${BOOT}/0`]: { link: `../../../deploy/fedora-coreos/deploy/${A}.0` },
    [`${BOOT}/1`]: { link: `../../../deploy/fedora-coreos/deploy/${B}.1` },
  };
}

describe('reprovision/sysroot/deployments', () => {
  const fs = new NodeFs();
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  async function tree(spec: Record<string, string | { link: string } | { dir: true }>): Promise<string> {
    const dir = await makeTree('ica-deployments', spec);
    made.push(dir);
    return dir;
  }

  it('parses deploy link targets and refuses anything else', () => {
    expect(parseDeployLink(`../../../deploy/fedora-coreos/deploy/${A}.0`)).to.deep.equal({
      stateroot: 'fedora-coreos',
      checksum: A,
      serial: 0,
    });
    expect(parseDeployLink('../../../deploy/fedora-coreos/deploy/short.0')).to.equal(null);
    expect(parseDeployLink('/etc')).to.equal(null);
  });

  it('lists deployments default first, with their entries', async () => {
    const root = await tree(sysrootSpec());
    const deployments = await readDeployments(fs, { physical: root, boot: `${root}/boot` });
    expect(deployments.map((d) => [d.index, d.id, d.entry.version])).to.deep.equal([
      [0, `${A}.0`, 2],
      [1, `${B}.1`, 1],
    ]);
    expect(deploymentDir(root, deployments[1]!)).to.equal(`${root}/ostree/deploy/fedora-coreos/deploy/${B}.1`);
  });

  it('finds the booted deployment from the kernel command line, or none', async () => {
    const root = await tree(sysrootSpec());
    const deployments = await readDeployments(fs, { physical: root, boot: `${root}/boot` });
    expect((await bootedDeployment(fs, root, deployments, `quiet ostree=/${BOOT}/1 rw\n`))?.id).to.equal(`${B}.1`);
    expect(await bootedDeployment(fs, root, deployments, 'quiet root=/dev/sda1')).to.equal(undefined);
    expect(await bootedDeployment(fs, root, deployments, 'ostree=/nowhere/0')).to.equal(undefined);
  });

  it('prefers the deployment whose directory is the running root, as ostree does, over the ostree= path', async () => {
    const root = await tree({
      ...sysrootSpec(),
      [`ostree/deploy/fedora-coreos/deploy/${A}.0/etc/hostname`]: 'a\n',
      [`ostree/deploy/fedora-coreos/deploy/${B}.1/etc/hostname`]: 'b\n',
      // the running root: the same directory by another path (a bind mount on a node)
      'running-root': { link: `ostree/deploy/fedora-coreos/deploy/${A}.0` },
    });
    const deployments = await readDeployments(fs, { physical: root, boot: `${root}/boot` });
    const booted = (cmdline: string, at?: string) => bootedDeployment(fs, root, deployments, cmdline, at);
    // after two deploys on the running node, its boot.0 path names another deployment
    expect((await booted(`ostree=/${BOOT}/1`, `${root}/running-root`))?.id).to.equal(`${A}.0`);
    // after one, it no longer resolves
    expect((await booted('ostree=/ostree/boot.1/fedora-coreos/x/0', `${root}/running-root`))?.id).to.equal(`${A}.0`);
    // a root that is no deployment directory (a composefs root): the ostree= path decides
    expect((await booted(`ostree=/${BOOT}/1`, root))?.id).to.equal(`${B}.1`);
    expect(await booted('ostree=/ostree/boot.1/fedora-coreos/x/0', root)).to.equal(undefined);
    // no ostree= at all: not booted, whatever the root
    expect(await booted('root=/dev/sda1', `${root}/running-root`)).to.equal(undefined);
  });

  it('takes the deployment /run/ostree-booted records when the root is no deployment directory (composefs)', async () => {
    const root = await tree({
      ...sysrootSpec(),
      [`ostree/deploy/fedora-coreos/deploy/${A}.0/etc/hostname`]: 'a\n',
      [`ostree/deploy/fedora-coreos/deploy/${B}.1/etc/hostname`]: 'b\n',
    });
    const { dev, ino } = await stat(`${root}/ostree/deploy/fedora-coreos/deploy/${A}.0`, { bigint: true });
    const key = Buffer.from('backing-root-device-inode\0', 'latin1');
    const body = Buffer.alloc(16);
    body.writeBigUInt64LE(dev, 0);
    body.writeBigUInt64LE(ino, 8);
    await mkdir(`${root}/run`);
    await writeFile(`${root}/run/ostree-booted`, Buffer.concat([key, Buffer.alloc(6), body, Buffer.from('\0(tt)')]));
    const deployments = await readDeployments(fs, { physical: root, boot: `${root}/boot` });
    // the ostree= path names B.1, the recorded identity A.0: the record wins
    expect((await bootedDeployment(fs, root, deployments, `ostree=/${BOOT}/1`, root))?.id).to.equal(`${A}.0`);
  });

  it('says a directory without loader entries is not an ostree system', async () => {
    const root = await tree({ 'etc/hostname': 'x\n' });
    let error: unknown;
    await readDeployments(fs, { physical: root, boot: `${root}/boot` }).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/is not an ostree system.*cannot be read/s);
    expect(String(error)).to.include('what to do:');
  });

  it('says so when entries have no ostree= or point nowhere', async () => {
    const plain = await tree({ 'boot/loader/entries/debian.conf': 'title Debian\noptions root=/dev/sda1\n' });
    let error: unknown;
    await readDeployments(fs, { physical: plain, boot: `${plain}/boot` }).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/no loader entry .* has an ostree= argument/);
    const broken = await tree({ 'boot/loader/entries/ostree-1-x.conf': `version 1\noptions ostree=/${BOOT}/0\n` });
    error = undefined;
    await readDeployments(fs, { physical: broken, boot: `${broken}/boot` }).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/is not a link under/);
  });
});
