import { expect } from 'chai';
import { agentHelp } from '../../../agent/config/help.js';
import { OPTIONS, flagName } from '../../../common/agent-config/options.js';

describe('config/help', () => {
  const text = agentHelp();

  it('lists every option with its flag, config name and kernel parameter', () => {
    for (const spec of OPTIONS) {
      const start = text.search(new RegExp(`\\n  ${flagName(spec)}[ ,]`));
      const end = text.indexOf('\n  -', start + 1);
      const entry = text.slice(start, end).replace(/\s+/g, ' ');

      expect(start, spec.name).to.be.greaterThan(0);
      if (spec.kernel !== undefined) expect(entry, spec.name).to.include(`Kernel: ${spec.kernel}.`);
      expect(entry, spec.name).to.include(spec.flagOnly === true ? 'Flag only.' : `Config: ${spec.name}.`);
    }
  });

  it('shows defaults, value ranges, choices and the --no- form of booleans', () => {
    expect(text).to.include('  --listen-port <1-65535>\n');
    expect(text).to.include('  --tls-certificate-curve <p256|p384|p521>\n');
    expect(text).to.include('  --standalone, --no-standalone\n');
    expect(text).to.match(
      /--listen-port <1-65535>\n\s+Port the API listens on\. Default: 9999\. Kernel: ipa-listen-port\./,
    );
    expect(text.replace(/\s+/g, ' ')).to.match(/--device-allowlist <a,b,\.\.\.> Globs [^<]* Default: \/dev\/\*\./);
  });

  it('groups options in the documented order', () => {
    const headings = [
      'Ironic:',
      'API / listen:',
      'TLS:',
      'Startup, lookup and heartbeat:',
      'Inspection:',
      'Disks and CoreOS:',
      'Logging:',
      'Paths:',
    ];
    const positions = headings.map((h) => text.indexOf(`\n${h}\n`));

    expect(positions.every((p) => p > 0)).to.equal(true);
    expect([...positions].sort((a, b) => a - b)).to.deep.equal(positions);
    expect(text.indexOf('--api-url')).to.be.lessThan(positions[1]!);
    expect(text.indexOf('--root-mount')).to.be.greaterThan(positions[5]!);
  });

  it('keeps lines within 100 columns and ends with a newline', () => {
    expect(text.split('\n').filter((l) => l.length > 100)).to.deep.equal([]);
    expect(text.endsWith('\n')).to.equal(true);
  });
});
