import { expect } from 'chai';
import { DeploymentError } from '../../../../common/errors.js';
import { parseConfigdrive, PRE_RENDERED_MESSAGE } from '../../../../agent/hardware/coreos/configdrive.js';

const IGN = { ignition: { version: '3.2.0' }, passwd: { users: [{ name: 'core', passwordHash: '$6$secret' }] } };

function failure(instanceInfo: Record<string, unknown>): DeploymentError {
  try {
    parseConfigdrive(instanceInfo);
  } catch (error) {
    expect(error).to.be.instanceOf(DeploymentError);
    return error as DeploymentError;
  }
  throw new Error('expected a DeploymentError');
}

describe('hardware/coreos/configdrive', () => {
  const none = [
    ['no configdrive', {}],
    ['null configdrive', { configdrive: null }],
    ['empty string configdrive', { configdrive: '' }],
    ['no user_data', { configdrive: { meta_data: { a: 1 } } }],
    ['null user_data', { configdrive: { user_data: null } }],
    ['empty user_data string', { configdrive: { user_data: '' } }],
    ['empty user_data object', { configdrive: { user_data: {} } }],
  ] as const;
  for (const [name, info] of none) {
    it(`has no Ignition with ${name}`, () => {
      expect(parseConfigdrive(info).ignition).to.equal(null);
    });
  }

  it('accepts user_data as an object and meta_data as given', () => {
    const parsed = parseConfigdrive({ configdrive: { user_data: IGN, meta_data: { 'local-hostname': 'n1' } } });

    expect(parsed).to.deep.equal({ ignition: IGN, metaData: { 'local-hostname': 'n1' } });
  });

  it('accepts user_data as a JSON string', () => {
    expect(parseConfigdrive({ configdrive: { user_data: JSON.stringify(IGN) } }).ignition).to.deep.equal(IGN);
  });

  const preRendered = [
    ['a base64 ISO', 'H4sICAAAAAAAA2NvbmZpZ2RyaXZl'],
    ['a URL', 'http://example.com/configdrive.iso'],
  ] as const;
  for (const [name, value] of preRendered) {
    it(`refuses a pre-rendered configdrive (${name})`, () => {
      expect(failure({ configdrive: value }).details).to.equal(PRE_RENDERED_MESSAGE);
    });
  }

  it('explains a masked configdrive', () => {
    const error = failure({ configdrive: '******' });

    expect(error.details).to.contain(PRE_RENDERED_MESSAGE);
    expect(error.details).to.contain('masked');
  });

  it('refuses a configdrive that is a list', () => {
    expect(failure({ configdrive: [IGN] }).details).to.contain('must be a JSON object');
  });

  it('refuses meta_data that is not an object', () => {
    expect(failure({ configdrive: { meta_data: '["x"]' } }).details).to.contain('meta_data must be a JSON object');
  });

  it('refuses user_data that is not JSON, without quoting it', () => {
    const error = failure({ configdrive: { user_data: '#cloud-config\npassword: hunter2\n' } });

    expect(error.details).to.match(/^configdrive user_data is not valid JSON/);
    expect(error.message).not.to.contain('hunter2');
    expect(error.message).not.to.contain('cloud-config');
  });

  it('refuses user_data that is JSON but not an object', () => {
    expect(failure({ configdrive: { user_data: '[1, 2]' } }).details).to.contain('not an array');
    expect(failure({ configdrive: { user_data: 42 } }).details).to.contain('not a number');
  });

  it('refuses an Ignition 2.x config and says how to convert it', () => {
    const error = failure({ configdrive: { user_data: { ignition: { version: '2.2.0' } } } });

    expect(error.details).to.contain('"2.2.0" is not supported');
    expect(error.details).to.contain('Butane');
  });

  it('refuses user_data without ignition.version', () => {
    expect(failure({ configdrive: { user_data: { storage: {} } } }).details).to.contain('ignition.version is missing');
  });
});
