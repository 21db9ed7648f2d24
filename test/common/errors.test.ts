import { expect } from 'chai';
import * as errors from '../../common/errors.js';

/** [class instance, type, code, message, faultcode] — IPA errors.py, one row per class. */
const TABLE: Array<[errors.RestError, string, number, string, 'Client' | 'Server']> = [
  [new errors.RestError(), 'RestError', 500, 'An error occurred', 'Server'],
  [new errors.InvalidContentError('x'), 'InvalidContentError', 400, 'Invalid request body', 'Client'],
  [new errors.NotFound(), 'NotFound', 404, 'Not found', 'Client'],
  [new errors.CommandExecutionError('x'), 'CommandExecutionError', 500, 'Command execution failed', 'Server'],
  [new errors.InvalidCommandError('x'), 'InvalidCommandError', 400, 'Invalid command', 'Client'],
  [new errors.InvalidCommandParamsError('x'), 'InvalidCommandParamsError', 400, 'Invalid command parameters', 'Client'],
  [
    new errors.RequestedObjectNotFoundError('Extension', 'foo'),
    'RequestedObjectNotFoundError',
    404,
    'Not found',
    'Client',
  ],
  [new errors.AgentIsBusy('execute_deploy_step'), 'AgentIsBusy', 409, 'Agent is busy', 'Client'],
  [new errors.IronicAPIError('x'), 'IronicAPIError', 500, 'Error in call to ironic-api', 'Server'],
  [new errors.HeartbeatError('x'), 'HeartbeatError', 500, 'Error heartbeating to agent API', 'Server'],
  [
    new errors.HeartbeatConflictError('x'),
    'HeartbeatConflictError',
    500,
    'ConflictError heartbeating to agent API',
    'Server',
  ],
  [new errors.LookupNodeError('x'), 'LookupNodeError', 500, 'Error getting configuration from Ironic', 'Server'],
  [new errors.LookupAgentIPError('x'), 'LookupAgentIPError', 500, 'Error finding IP for Ironic Agent', 'Server'],
  [new errors.SystemRebootError('x'), 'SystemRebootError', 500, 'Error rebooting system', 'Server'],
  [new errors.BlockDeviceEraseError('x'), 'BlockDeviceEraseError', 500, 'Error erasing block device', 'Server'],
  [new errors.HardwareManagerNotFound(), 'HardwareManagerNotFound', 500, 'No valid HardwareManager found', 'Server'],
  [
    new errors.HardwareManagerMethodNotFound('m'),
    'HardwareManagerMethodNotFound',
    500,
    'No HardwareManager found to handle method',
    'Server',
  ],
  [
    new errors.IncompatibleHardwareMethodError(),
    'IncompatibleHardwareMethodError',
    500,
    'HardwareManager method is not compatible with hardware',
    'Server',
  ],
  [
    new errors.VersionMismatch({ a: '1' }, { a: '2' }),
    'VersionMismatch',
    409,
    'Hardware managers version mismatch, reload agent with correct version',
    'Client',
  ],
  [new errors.CleaningError('x'), 'CleaningError', 500, 'Clean step failed', 'Server'],
  [new errors.DeploymentError('x'), 'DeploymentError', 500, 'Deploy step failed', 'Server'],
  [new errors.ServicingError('x'), 'ServicingError', 500, 'Service step failed', 'Server'],
  [
    new errors.DeviceNotFound('x'),
    'DeviceNotFound',
    404,
    'Error finding the disk or partition device to deploy the image onto',
    'Client',
  ],
];

describe('errors', () => {
  for (const [error, type, code, message, faultcode] of TABLE) {
    it(`${type} serialises as IPA does`, () => {
      const json = error.toJSON();

      expect(Object.keys(json)).to.deep.equal(['type', 'code', 'message', 'details']);
      expect(json).to.include({ type, code, message });
      expect(error.toFault()).to.deep.equal({ faultcode, faultstring: `${message}: ${json.details}` });
      expect(JSON.parse(JSON.stringify(error))).to.deep.equal(json);
    });
  }

  it('uses the default details when none are given', () => {
    expect(new errors.RestError().details).to.equal('An unexpected error occurred. Please try back later.');
    expect(new errors.NotFound().details).to.equal('The requested URL was not found.');
  });

  it('formats the texts Ironic shows in last_error', () => {
    expect(new errors.AgentIsBusy('get_clean_steps').toFault().faultstring).to.equal(
      'Agent is busy: executing command get_clean_steps',
    );
    expect(new errors.RequestedObjectNotFoundError('Extension', 'foo').toFault().faultstring).to.equal(
      'Not found: Extension with id foo not found.',
    );
    expect(new errors.VersionMismatch({ generic: '1.2' }, { generic: '1.1' }).details).to.equal(
      "Current versions: {'generic': '1.2'}, versions used by ironic: {'generic': '1.1'}",
    );
    expect(new errors.HardwareManagerMethodNotFound('install_coreos').details).to.equal(
      'Could not find method: install_coreos',
    );
  });

  it('ProtectedDeviceError uses its details as message, like IPA', () => {
    const error = new errors.ProtectedDeviceError('/dev/sda', 'gfs2');

    expect(error.toJSON().message).to.equal(error.details);
    expect(error.details).to.match(/^Protected gfs2 located on device \/dev\/sda\./);
    expect(error).to.be.instanceOf(errors.CleaningError);
  });

  it('toRestError keeps RestErrors and wraps anything else serialisably', () => {
    const kept = new errors.DeploymentError('boom');
    const wrapped = errors.toRestError(new TypeError('bad'));
    const fromString = errors.toRestError('plain');

    expect(errors.toRestError(kept)).to.equal(kept);
    expect(wrapped.toJSON()).to.deep.equal({
      type: 'CommandExecutionError',
      code: 500,
      message: 'Command execution failed',
      details: 'bad',
    });
    expect(wrapped.cause).to.be.instanceOf(TypeError);
    expect(fromString.details).to.equal('plain');
  });
});
