/**
 * Real test nodes: network namespace, veth link, loop disks and the
 * confinement. Needs root; skipped with the reason otherwise.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { testbedAddresses } from '../../testbed/addresses.js';
import { CONFINE_SCRIPT } from '../../testbed/confine.js';
import { testbedUnavailableReason } from '../../testbed/host.js';
import { TestNode } from '../../testbed/node.js';

const BASIC_DEV = [
  'fd',
  'full',
  'null',
  'ptmx',
  'pts',
  'random',
  'shm',
  'stderr',
  'stdin',
  'stdout',
  'tty',
  'urandom',
  'zero',
];

/** The machine's own root disk, e.g. "vda" (the parent of the device mounted on /). */
function hostRootDisk(): string {
  const source = execFileSync('findmnt', ['-n', '-o', 'SOURCE', '/'], { encoding: 'utf8' }).trim();
  const name = source.replace(/^\/dev\//, '');
  const parent = execFileSync('lsblk', ['-n', '-d', '-o', 'PKNAME', source], { encoding: 'utf8' }).trim();
  return parent === '' ? name : parent;
}

function sh(command: string): string[] {
  return ['/bin/sh', '-c', command];
}

describe('testbed/node (real namespace, loop disks and confinement)', function () {
  this.timeout(60_000);
  const addresses = testbedAddresses('tb', 1, process.pid);
  let node: TestNode | undefined;
  let hostRoot: string;

  before(async function () {
    const reason = testbedUnavailableReason();
    if (reason !== undefined) {
      console.warn(`    skipping the test node suite: ${reason}`);
      this.skip();
    }
    hostRoot = mkdtempSync(join(tmpdir(), 'tb-hostroot-'));
    node = await TestNode.create({ tag: 'tb', ...addresses, disksGiB: [1, 2] });
    // one disk with two existing partitions (this kernel needs partx to see them)
    const disk = node.disks[0]?.device ?? '';
    execFileSync('sgdisk', ['-n', '1:0:+8M', '-n', '2:0:+8M', disk], { stdio: 'ignore' });
    execFileSync('partx', ['-a', disk]);
  });

  after(async () => {
    await node?.destroy();
    if (hostRoot !== undefined) rmSync(hostRoot, { recursive: true, force: true });
  });

  const live = (): TestNode => {
    if (node === undefined) throw new Error('test node not created');
    return node;
  };

  it('lsblk -J inside the confinement lists exactly the test disks and their partitions', async () => {
    const n = live();

    const result = await n.exec(['lsblk', '-J', '-o', 'NAME,SIZE,TYPE']);

    expect(result.exitCode, result.stderr).to.equal(0);
    const tree = JSON.parse(result.stdout) as {
      blockdevices: Array<{ name: string; children?: Array<{ name: string }> }>;
    };
    const [first, second] = n.disks;
    expect(tree.blockdevices.map((d) => d.name)).to.deep.equal([first?.name, second?.name]);
    expect(tree.blockdevices[0]?.children?.map((c) => c.name)).to.deep.equal([`${first?.name}p1`, `${first?.name}p2`]);
  });

  it('ls /dev shows only the basics and the test disks; the host root disk is absent', async () => {
    const n = live();
    const rootDisk = hostRootDisk();

    const listing = await n.exec(['ls', '/dev']);
    const probe = await n.exec(sh(`test -e /dev/${rootDisk}; echo $?; ls /sys/block/${rootDisk} 2>/dev/null | wc -l`));

    const disks = n.disks.map((d) => d.name);
    const expected = [...BASIC_DEV, ...disks, `${disks[0] ?? ''}p1`, `${disks[0] ?? ''}p2`].sort();
    expect(listing.stdout.trim().split('\n').sort()).to.deep.equal(expected);
    expect(probe.stdout.trim().split('\n')).to.deep.equal(['1', '0']);
  });

  it('ls /sys/block shows only the test disks, linked with the kernel relative targets', async () => {
    const n = live();

    const result = await n.exec(sh('for d in /sys/block/*; do echo "${d##*/} $(readlink "$d")"; done'));

    expect(result.stdout.trim().split('\n')).to.deep.equal(
      n.disks.map((d) => `${d.name} ../devices/virtual/block/${d.name}`),
    );
  });

  it('device nodes carry the host major:minor, and the disks are readable and writable', async () => {
    const n = live();
    const disk = n.disks[1];
    const hostNumbers = readFileSync(`/sys/class/block/${disk?.name ?? ''}/dev`, 'utf8').trim();

    const result = await n.exec(
      sh(
        `stat -c '%t:%T %F' /dev/${disk?.name ?? ''} && printf tb-mark | dd of=/dev/${disk?.name ?? ''} bs=512 seek=1 conv=notrunc status=none`,
      ),
    );

    const [major, minor] = hostNumbers.split(':').map((v) => Number(v).toString(16));
    expect(result.stdout.trim()).to.equal(`${major ?? ''}:${minor ?? ''} block special file`);
    const written = execFileSync('dd', [`if=${disk?.device ?? ''}`, 'bs=512', 'skip=1', 'count=1', 'status=none'])
      .subarray(0, 7)
      .toString();
    expect(written).to.equal('tb-mark');
  });

  it('a partition created later appears in sysfs but not in /dev, and can be made from /sys/class/block/<name>/dev', async () => {
    const n = live();
    const name = n.disks[0]?.name ?? '';

    const result = await n.exec(
      sh(
        [
          `sgdisk -n 3:0:+8M /dev/${name} >/dev/null 2>&1; partx -a -n 3 /dev/${name}`,
          `test -e /dev/${name}p3 && echo node-before || echo no-node-before`,
          `cat /sys/class/block/${name}p3/dev`,
          `mknod /dev/${name}p3 b $(tr ':' ' ' < /sys/class/block/${name}p3/dev)`,
          `blockdev --getsize64 /dev/${name}p3`,
        ].join(' && '),
      ),
    );

    expect(result.exitCode, result.stderr).to.equal(0);
    const [before, numbers, size] = result.stdout.trim().split('\n');
    expect(before).to.equal('no-node-before');
    expect(numbers).to.equal(readFileSync(`/sys/class/block/${name}p3/dev`, 'utf8').trim());
    expect(size).to.equal(String(8 * 1024 * 1024));
  });

  it('--host-root gets the confined /dev (the agent view of /mnt/coreos)', async () => {
    const n = live();

    const result = await n.exec(['ls', join(hostRoot, 'dev')], { hostRoot });

    expect(result.stdout.trim().split('\n')).to.include.members(n.disks.map((d) => d.name));
    expect(result.stdout).to.not.match(/\bvda\b|\bzram0\b/);
  });

  it('the network namespace holds only lo and eth0, carrying the port MAC and the node address', async () => {
    const n = live();

    const result = await n.exec(['ip', '-j', 'addr', 'show']);

    const links = JSON.parse(result.stdout) as Array<{
      ifname: string;
      address: string;
      addr_info: Array<{ local: string }>;
    }>;
    expect(links.map((l) => l.ifname)).to.deep.equal(['lo', 'eth0']);
    expect(links[1]?.address).to.equal(n.mac);
    expect(links[1]?.addr_info.map((a) => a.local)).to.include(n.nodeIp);
  });

  it('the namespace reaches a server on the host address', async () => {
    const n = live();
    const server: Server = createServer((_req, res) => res.end('hello from the host'));
    await new Promise<void>((resolve) => server.listen(0, n.hostIp, resolve));
    const { port } = server.address() as AddressInfo;

    try {
      const result = await n.exec(['curl', '-sS', '-m', '5', `http://${n.hostIp}:${port}/`]);

      expect(result.stdout).to.equal('hello from the host');
    } finally {
      server.close();
    }
  });

  it('the host reaches a server spawned in the namespace on the node address', async () => {
    const n = live();
    const served = mkdtempSync(join(tmpdir(), 'tb-served-'));
    execFileSync('sh', ['-c', `printf 'hello from the node' > ${served}/index.txt`]);
    const server = await n.spawnAgent(
      ['/usr/bin/python3', '-m', 'http.server', '9999', '--bind', n.nodeIp, '--directory', served],
      { logName: 'http-server' },
    );

    try {
      let body = '';
      for (let attempt = 0; attempt < 50 && body === ''; attempt += 1) {
        try {
          body = execFileSync('curl', ['-sS', '-f', '-m', '2', `http://${n.nodeIp}:9999/index.txt`], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
          });
        } catch {
          await sleep(100);
        }
      }
      expect(body).to.equal('hello from the node');
      expect(server.running).to.equal(true);
    } finally {
      await server.stop();
      rmSync(served, { recursive: true, force: true });
    }
    expect(server.readLog()).to.match(/GET \/index\.txt/);
  });

  it("confine.sh called directly enters a private mount namespace itself and leaves the caller's mounts alone", () => {
    const n = live();
    const disk = n.disks[1]?.name ?? '';

    const listing = execFileSync('/bin/bash', [CONFINE_SCRIPT, '--disk', disk, '--', 'ls', '/dev'], {
      encoding: 'utf8',
    });

    expect(listing.trim().split('\n').sort()).to.deep.equal([...BASIC_DEV, disk].sort());
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).to.not.contain('confined-');
    expect(execFileSync('ls', ['/dev'], { encoding: 'utf8' })).to.contain('null');
  });

  it("confine.sh refuses, before mounting anything, when its mount namespace is its caller's", () => {
    // Simulates a broken invocation (the internal marker passed by hand). It runs inside a
    // throw-away private mount namespace, so even a regression could not touch the host.
    const script = `/bin/bash ${CONFINE_SCRIPT} --in-private-mount-ns -- true; echo "rc=$?"; grep -c confined- /proc/self/mountinfo || true`;

    const output = execFileSync('unshare', ['--mount', '--propagation', 'private', '--', '/bin/bash', '-c', script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

    expect(output.trim().split('\n')).to.deep.equal(['rc=2', '0']);
  });

  it('confine.sh rejects a partition or an unknown disk before mounting anything', () => {
    const n = live();
    const part = `${n.disks[0]?.name ?? ''}p1`;

    const bad = execFileSync(
      'sh',
      [
        '-c',
        `ip netns exec ${n.namespace} unshare --mount --propagation private -- /bin/bash ${CONFINE_SCRIPT} --disk ${part} -- true 2>&1; echo "rc=$?"`,
      ],
      { encoding: 'utf8' },
    );
    const unknown = execFileSync(
      'sh',
      [
        '-c',
        `ip netns exec ${n.namespace} unshare --mount --propagation private -- /bin/bash ${CONFINE_SCRIPT} --disk nosuchdisk9 -- true 2>&1; echo "rc=$?"`,
      ],
      { encoding: 'utf8' },
    );

    expect(bad).to.contain(`'${part}' is a partition`).and.contain('rc=2');
    expect(unknown).to.contain("disk 'nosuchdisk9' does not exist").and.contain('rc=2');
  });
});
