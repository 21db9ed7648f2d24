import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { CONTAINER_CONF_PATH, HOST_CONF_PATH } from '../../container/paths.js';
import {
  containerAgentArgv,
  productionRunArgv,
  WITH_CGROUPS_SCRIPT,
  type ContainerAgentArgvOptions,
} from '../../testbed/container-agent.js';

const IMAGE = 'localhost/test/agent:x';
const OPTIONS: ContainerAgentArgvOptions = {
  image: IMAGE,
  name: 'ctr-agent-1',
  hostRoot: '/tmp/ctr/hostroot/root',
  confFile: '/tmp/ctr/boot/ipa.conf',
  udevDir: '/tmp/ctr/boot/udev',
  stateDir: '/tmp/ctr/boot/state',
  extraVolumes: ['/tmp/ctr/boot/cmdline:/var/lib/cmdline:ro'],
  agentArgs: ['--debug', '--advertise-host', '10.1.2.10'],
};

/** The `-v` values of an argv. */
function volumes(argv: readonly string[]): string[] {
  return argv.flatMap((arg, index) => (argv[index - 1] === '-v' ? [arg] : []));
}

describe('testbed/container-agent containerAgentArgv', () => {
  it('keeps every production flag except the volume sources and the name, in order', () => {
    const production = productionRunArgv(IMAGE);

    const argv = containerAgentArgv(OPTIONS);

    const strip = (list: readonly string[]): string[] =>
      list.filter((arg, index) => list[index - 1] !== '-v' && list[index - 1] !== '--name' && arg !== '-v');
    const image = argv.indexOf(IMAGE);
    expect(strip(argv.slice(0, image + 2))).to.deep.equal(strip(production));
    expect(argv).to.include.members(['--privileged', '--network', 'host', '--rm']);
  });

  it('swaps the host root, the conf, /run/udev and the state dir, and passes /dev and /sys through for the confinement', () => {
    const argv = containerAgentArgv(OPTIONS);

    expect(volumes(argv)).to.deep.equal([
      `/tmp/ctr/boot/ipa.conf:${CONTAINER_CONF_PATH}:ro`,
      '/dev:/dev',
      '/sys:/sys',
      '/tmp/ctr/boot/udev:/run/udev',
      '/tmp/ctr/boot/state:/run/ironic-coreos-agent',
      '/tmp/ctr/hostroot/root:/mnt/coreos',
      '/tmp/ctr/boot/cmdline:/var/lib/cmdline:ro',
    ]);
    expect(argv[argv.indexOf('--name') + 1]).to.equal('ctr-agent-1');
  });

  it('puts the test volumes before the image and the agent flags after it', () => {
    const argv = containerAgentArgv(OPTIONS);

    const image = argv.indexOf(IMAGE);
    expect(argv.slice(image - 2, image)).to.deep.equal(['-v', '/tmp/ctr/boot/cmdline:/var/lib/cmdline:ro']);
    expect(argv.slice(image + 1)).to.deep.equal(['agent', '--debug', '--advertise-host', '10.1.2.10']);
  });

  const changedUnits: { what: string; edit: (argv: string[]) => string[]; error: RegExp }[] = [
    {
      what: 'mounts a new host path',
      edit: (a) => [...a.slice(0, -2), '-v', '/etc/pki:/etc/pki:ro', IMAGE, 'agent'],
      error: /mounts \/etc\/pki, which the test bed does not map/,
    },
    {
      what: 'stops mounting the host root',
      edit: (a) => a.filter((arg, i) => arg !== '/:/mnt/coreos' && a[i + 1] !== '/:/mnt/coreos'),
      error: /no longer mounts \//,
    },
    {
      what: 'stops mounting the conf',
      edit: (a) => a.filter((arg, i) => !arg.startsWith(HOST_CONF_PATH) && !a[i + 1]?.startsWith(HOST_CONF_PATH)),
      error: new RegExp(`no longer mounts ${HOST_CONF_PATH}`),
    },
    {
      what: 'no longer names the container',
      edit: (a) => a.filter((arg, i) => arg !== '--name' && a[i - 1] !== '--name'),
      error: /does not name the container ironic-agent/,
    },
  ];
  for (const { what, edit, error } of changedUnits) {
    it(`refuses a production argv that ${what}`, () => {
      const production = edit(productionRunArgv(IMAGE));

      expect(() => containerAgentArgv(OPTIONS, production)).to.throw(error);
    });
  }
});

describe('testbed/with-cgroups.sh', function () {
  const root = process.getuid?.() === 0;
  const cgroupMounts = (mountinfo: string): string[] =>
    mountinfo
      .split('\n')
      .map((line) => line.split(' '))
      .filter((fields) => fields[4] !== undefined && fields[4].startsWith('/sys/fs/cgroup/'))
      .map((fields) => {
        const dash = fields.indexOf('-');
        return `${fields[4]} ${fields[2]} ${fields[dash + 1]} ${fields[dash + 3]}`;
      });

  it('ships next to the module, executable', () => {
    expect(statSync(WITH_CGROUPS_SCRIPT).mode & 0o111).to.not.equal(0);
  });

  it("refuses to mount anything in its caller's mount namespace", function () {
    if (!root) this.skip();

    const result = spawnSync('/bin/bash', [WITH_CGROUPS_SCRIPT, '--', 'true'], { encoding: 'utf8' });

    expect(result.status).to.equal(2);
    expect(result.stderr).to.contain('not in a private mount namespace of my own');
  });

  it("mounts the caller's cgroup hierarchies again over a hidden /sys/fs/cgroup (as after ip netns exec)", function () {
    const own = cgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
    if (!root || own.length === 0) this.skip();

    // unshare and sh exec in place, so the script's caller is this process.
    const hide = `mount -t tmpfs ctr-hidden /sys/fs/cgroup && exec /bin/bash ${WITH_CGROUPS_SCRIPT} -- cat /proc/self/mountinfo`;
    const result = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', hide], {
      encoding: 'utf8',
    });

    expect(result.status, result.stderr).to.equal(0);
    const restored = cgroupMounts(result.stdout);
    expect(restored.slice(-own.length), 'same mount points, devices (hierarchies) and options').to.deep.equal(own);
  });
});
