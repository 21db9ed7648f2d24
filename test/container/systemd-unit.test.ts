import { expect } from 'chai';
import { renderAgentUnit, type AgentUnitSpec } from '../../container/systemd-unit.js';

const spec: AgentUnitSpec = {
  image: 'quay.io/example/ironic-coreos-agent:latest',
  tlsVerify: true,
  authfile: false,
  caFile: false,
  rootMount: '/mnt/coreos',
  environment: [],
  environmentFile: false,
};

/** `Key=value` lines of one section. */
function section(text: string, name: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`[${name}]`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('['));
  return lines.slice(start + 1, end === -1 ? undefined : end).filter((l) => l !== '' && !l.startsWith('#'));
}

describe('container/systemd-unit', () => {
  it('renders the unit', () => {
    const text = renderAgentUnit(spec);

    expect(section(text, 'Unit')).to.deep.equal([
      'Description=Ironic agent (ironic-coreos-agent container)',
      'After=network-online.target',
      'Wants=network-online.target',
      'StartLimitIntervalSec=0',
    ]);
    expect(section(text, 'Service')).to.deep.equal([
      'TimeoutStartSec=0',
      'Restart=on-failure',
      'RestartSec=5',
      'ExecStartPre=/usr/bin/install -d -m 0700 /run/ironic-coreos-agent',
      'ExecStartPre=/usr/bin/podman pull quay.io/example/ironic-coreos-agent:latest',
      'ExecStart=/usr/bin/podman run --rm --replace --pull=never --privileged --network host --uts host --name ironic-agent ' +
        '-v /etc/ironic-python-agent.conf:/etc/ironic-python-agent/ignition.conf:ro -v /dev:/dev -v /sys:/sys -v /run/udev:/run/udev ' +
        '-v /run/ironic-coreos-agent:/run/ironic-coreos-agent -v /:/mnt/coreos quay.io/example/ironic-coreos-agent:latest agent',
      'ExecStop=/usr/bin/podman stop --ignore --time=10 ironic-agent',
    ]);
    expect(section(text, 'Install')).to.deep.equal(['WantedBy=multi-user.target']);
    expect(text.endsWith('\n')).to.equal(true);
  });

  it('adds proxy Environment= lines and the credentials EnvironmentFile before the commands', () => {
    const text = renderAgentUnit({
      ...spec,
      environment: [
        ['HTTP_PROXY', 'http://p:3128'],
        ['NO_PROXY', '.local'],
      ],
      environmentFile: true,
    });

    expect(section(text, 'Service').slice(0, 4)).to.deep.equal([
      'Environment="HTTP_PROXY=http://p:3128"',
      'Environment="NO_PROXY=.local"',
      'EnvironmentFile=/etc/ironic-coreos-agent/proxy.env',
      'TimeoutStartSec=0',
    ]);
  });

  it('passes registry options to the pull only', () => {
    const lines = section(renderAgentUnit({ ...spec, tlsVerify: false, authfile: true }), 'Service');

    expect(lines.find((l) => l.startsWith('ExecStartPre=/usr/bin/podman'))).to.equal(
      'ExecStartPre=/usr/bin/podman pull --tls-verify=false --authfile=/etc/ironic-coreos-agent/auth.json quay.io/example/ironic-coreos-agent:latest',
    );
    expect(lines.find((l) => l.startsWith('ExecStart='))).not.to.match(/tls-verify|authfile/);
  });

  it('never writes the proxy credentials into the unit', () => {
    const text = renderAgentUnit({ ...spec, environment: [['NO_PROXY', '.local']], environmentFile: true });

    expect(text).not.to.match(/HTTPS?_PROXY/);
  });
});
