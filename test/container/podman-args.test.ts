import { expect } from 'chai';
import { podmanPullArgv, podmanRunArgv, podmanStopArgv, type PodmanSpec } from '../../container/podman-args.js';

const IMAGE = 'quay.io/example/ironic-coreos-agent:latest';
const spec: PodmanSpec = { image: IMAGE, tlsVerify: true, authfile: false, caFile: false, rootMount: '/mnt/coreos' };

describe('container/podman-args', () => {
  it('pulls the image', () => {
    expect(podmanPullArgv(spec)).to.deep.equal(['/usr/bin/podman', 'pull', IMAGE]);
  });

  it('pulls without TLS verification and with the pull secret when asked', () => {
    expect(podmanPullArgv({ ...spec, tlsVerify: false, authfile: true })).to.deep.equal([
      '/usr/bin/podman',
      'pull',
      '--tls-verify=false',
      '--authfile=/etc/ironic-coreos-agent/auth.json',
      IMAGE,
    ]);
  });

  it('runs privileged on the host network with the host mounts', () => {
    expect(podmanRunArgv(spec)).to.deep.equal([
      '/usr/bin/podman',
      'run',
      '--rm',
      '--replace',
      '--pull=never',
      '--privileged',
      '--network',
      'host',
      '--uts',
      'host',
      '--name',
      'ironic-agent',
      '-v',
      '/etc/ironic-python-agent.conf:/etc/ironic-python-agent/ignition.conf:ro',
      '-v',
      '/dev:/dev',
      '-v',
      '/sys:/sys',
      '-v',
      '/run/udev:/run/udev',
      '-v',
      '/run/ironic-coreos-agent:/run/ironic-coreos-agent',
      '-v',
      '/:/mnt/coreos',
      IMAGE,
      'agent',
    ]);
  });

  it('mounts the CA and passes a custom root mount to the agent', () => {
    const argv = podmanRunArgv({ ...spec, caFile: true, rootMount: '/mnt/host' });

    expect(argv).to.include.members([
      '/etc/pki/ca-trust/source/anchors/ironic-coreos-agent-ca.crt:/etc/ironic-coreos-agent/ca.crt:ro',
      '/:/mnt/host',
    ]);
    expect(argv.slice(-4)).to.deep.equal([IMAGE, 'agent', '--root-mount', '/mnt/host']);
  });

  it('stops the container by name', () => {
    expect(podmanStopArgv()).to.deep.equal(['/usr/bin/podman', 'stop', '--ignore', '--time=10', 'ironic-agent']);
  });
});
