import { expect } from 'chai';
import { helpRequested, parseFlags } from '../../../agent/config/flags.js';
import { UsageError } from '../../../common/cli/types.js';

function pairs(argv: string[]): Array<[string, string, string]> {
  return parseFlags(argv).values.map((v) => [v.spec.name, v.flag, v.raw]);
}

describe('config/flags', () => {
  const good: Array<[string[], Array<[string, string, string]>]> = [
    [['--listen-port', '9998'], [['listen_port', '--listen-port', '9998']]],
    [['--listen-port=9998'], [['listen_port', '--listen-port', '9998']]],
    [['--listen_port=9998'], [['listen_port', '--listen_port', '9998']]],
    [['--api-url=http://a:6385,http://b:6385'], [['api_url', '--api-url', 'http://a:6385,http://b:6385']]],
    [['--standalone'], [['standalone', '--standalone', 'true']]],
    [['--no-standalone'], [['standalone', '--no-standalone', 'false']]],
    [['--nostandalone'], [['standalone', '--nostandalone', 'false']]],
    [['--standalone=false'], [['standalone', '--standalone', 'false']]],
    [['--standalone=maybe'], [['standalone', '--standalone', 'maybe']]],
    [['--agent-token='], [['agent_token', '--agent-token', '']]],
    [
      ['--device-allowlist', '/dev/sd*', '--device-allowlist=/dev/nvme*'],
      [
        ['device_allowlist', '--device-allowlist', '/dev/sd*'],
        ['device_allowlist', '--device-allowlist', '/dev/nvme*'],
      ],
    ],
    [['--listen-host', '-1'], [['listen_host', '--listen-host', '-1']]],
    [[], []],
  ];
  for (const [argv, expected] of good) {
    it(`parses ${JSON.stringify(argv)}`, () => {
      expect(pairs(argv)).to.deep.equal(expected);
    });
  }

  const bad: Array<[string[], string]> = [
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['--no-listen-port'], 'unknown option --no-listen-port'],
    [['--listen-port'], '--listen-port needs a value'],
    [['--listen-port', '--debug'], '--listen-port needs a value'],
    [['--no-debug=true'], '--no-debug takes no value'],
    [['agent'], 'unexpected argument "agent": the agent takes only --options'],
    [['-d'], 'unexpected argument "-d": the agent takes only --options'],
    [['--'], 'unexpected argument "--": the agent takes only --options'],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${JSON.stringify(argv)} as a usage error`, () => {
      expect(() => parseFlags(argv))
        .to.throw(UsageError)
        .with.property('message', message);
    });
  }

  it('reports --help and -h', () => {
    expect(parseFlags(['--debug', '-h']).help).to.equal(true);
    expect(parseFlags(['--debug']).help).to.equal(false);
    expect(helpRequested(['--frobnicate', '--help'])).to.equal(true);
    expect(helpRequested(['--debug'])).to.equal(false);
  });
});
