import { expect } from 'chai';
import { benchEnv, ProcessGroup } from '../../../bench/lib/process.js';

describe('bench processes', () => {
  it("leave out the variables that change node's own behaviour, and keep the rest", () => {
    const env = {
      PATH: '/usr/bin',
      NODE_OPTIONS: '--max-old-space-size=64',
      NODE_EXTRA_CA_CERTS: '/ca.pem',
      LANG: 'C',
    };

    expect(benchEnv(env)).to.deep.equal({ PATH: '/usr/bin', LANG: 'C' });
    expect(env).to.have.property('NODE_EXTRA_CA_CERTS', '/ca.pem');
  });

  it('start without NODE_EXTRA_CA_CERTS even when the benchmark has it', async () => {
    const saved = process.env['NODE_EXTRA_CA_CERTS'];
    process.env['NODE_EXTRA_CA_CERTS'] = '/nonexistent/ca.pem';
    let group: ProcessGroup;
    try {
      group = new ProcessGroup();
    } finally {
      if (saved === undefined) delete process.env['NODE_EXTRA_CA_CERTS'];
      else process.env['NODE_EXTRA_CA_CERTS'] = saved;
    }
    const child = group.start([
      process.execPath,
      '-e',
      "process.stdout.write('seen=' + String(process.env.NODE_EXTRA_CA_CERTS))",
    ]);

    await child.exited;

    expect(child.outputTail()).to.include('seen=undefined');
  });
});
