import { expect } from 'chai';
import { existsSync, statSync } from 'node:fs';
import { CONFINE_SCRIPT, confinedArgv } from '../../testbed/confine.js';
import { nodeLinkCommands } from '../../testbed/host-net.js';

describe('testbed/confine (command construction)', () => {
  it('wraps the command in the namespace, a private mount namespace and confine.sh', () => {
    const argv = confinedArgv({ namespace: 'tb-node-1', disks: ['loop3', 'loop4'] }, ['lsblk', '-J']);

    expect(argv).to.deep.equal([
      'ip',
      'netns',
      'exec',
      'tb-node-1',
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--',
      '/bin/bash',
      CONFINE_SCRIPT,
      '--disk',
      'loop3',
      '--disk',
      'loop4',
      '--',
      'lsblk',
      '-J',
    ]);
  });

  it('passes --host-root and --max-partitions before the command separator', () => {
    const argv = confinedArgv({ namespace: 'ns', disks: [], hostRoot: '/tmp/root', maxPartitions: 4 }, ['true']);

    expect(argv.slice(argv.indexOf(CONFINE_SCRIPT) + 1)).to.deep.equal([
      '--host-root',
      '/tmp/root',
      '--max-partitions',
      '4',
      '--',
      'true',
    ]);
  });

  it('refuses an empty command', () => {
    expect(() => confinedArgv({ namespace: 'ns', disks: [] }, [])).to.throw(/no command/);
  });

  it('ships the script next to the module, executable', () => {
    expect(existsSync(CONFINE_SCRIPT)).to.equal(true);
    expect(statSync(CONFINE_SCRIPT).mode & 0o111).to.not.equal(0);
  });
});

describe('testbed/host-net nodeLinkCommands', () => {
  const commands = nodeLinkCommands({
    namespace: 'tb-node-x',
    hostIf: 'tbhx',
    nodeIf: 'eth0',
    hostIp: '10.1.2.1',
    nodeIp: '10.1.2.10',
    mac: '52:54:00:01:02:0a',
  });

  it('creates the namespace first and the veth with its peer inside it', () => {
    expect(commands[0]).to.deep.equal(['ip', 'netns', 'add', 'tb-node-x']);
    expect(commands[1]).to.deep.equal([
      'ip',
      'link',
      'add',
      'tbhx',
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      'tb-node-x',
    ]);
  });

  it('gives the node NIC the port MAC and the node address, and routes to the host address', () => {
    const joined = commands.map((c) => c.join(' '));

    expect(joined).to.include('ip -n tb-node-x link set eth0 address 52:54:00:01:02:0a');
    expect(joined).to.include('ip -n tb-node-x addr add 10.1.2.10/32 dev eth0');
    expect(joined).to.include('ip -n tb-node-x route add 10.1.2.1/32 dev eth0');
    expect(joined).to.include('ip -n tb-node-x route add default via 10.1.2.1 dev eth0');
    expect(joined).to.include('ip -n tb-node-x link set lo up');
  });

  it('routes the node address from the host with the host address as source, and changes nothing global', () => {
    const joined = commands.map((c) => c.join(' '));

    expect(joined).to.include('ip route add 10.1.2.10/32 dev tbhx src 10.1.2.1');
    expect(joined.some((c) => /sysctl|forward|rp_filter|iptables|nft/.test(c))).to.equal(false);
  });
});
