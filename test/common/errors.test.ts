import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as errors from '../../common/errors.js';

/** A RestError row: how to make one, and what IPA's errors.py serialises for it. */
interface RestRow {
  make: () => errors.RestError;
  code: number;
  message: string;
  faultcode: 'Client' | 'Server';
}

/** A row for an error that never goes on the wire. */
interface LocalRow {
  make: () => Error;
  local: true;
}

/** One row per exported error class, by class name (IPA tests/unit/test_errors.py). */
const ROWS: Readonly<Record<string, RestRow | LocalRow>> = {
  RestError: { make: () => new errors.RestError(), code: 500, message: 'An error occurred', faultcode: 'Server' },
  InvalidContentError: {
    make: () => new errors.InvalidContentError('x'),
    code: 400,
    message: 'Invalid request body',
    faultcode: 'Client',
  },
  NotFound: { make: () => new errors.NotFound(), code: 404, message: 'Not found', faultcode: 'Client' },
  CommandExecutionError: {
    make: () => new errors.CommandExecutionError('x'),
    code: 500,
    message: 'Command execution failed',
    faultcode: 'Server',
  },
  InvalidCommandError: {
    make: () => new errors.InvalidCommandError('x'),
    code: 400,
    message: 'Invalid command',
    faultcode: 'Client',
  },
  InvalidCommandParamsError: {
    make: () => new errors.InvalidCommandParamsError('x'),
    code: 400,
    message: 'Invalid command parameters',
    faultcode: 'Client',
  },
  RequestedObjectNotFoundError: {
    make: () => new errors.RequestedObjectNotFoundError('Extension', 'foo'),
    code: 404,
    message: 'Not found',
    faultcode: 'Client',
  },
  AgentIsBusy: {
    make: () => new errors.AgentIsBusy('execute_deploy_step'),
    code: 409,
    message: 'Agent is busy',
    faultcode: 'Client',
  },
  IronicAPIError: {
    make: () => new errors.IronicAPIError('x'),
    code: 500,
    message: 'Error in call to ironic-api',
    faultcode: 'Server',
  },
  HeartbeatError: {
    make: () => new errors.HeartbeatError('x'),
    code: 500,
    message: 'Error heartbeating to agent API',
    faultcode: 'Server',
  },
  HeartbeatConflictError: {
    make: () => new errors.HeartbeatConflictError('x'),
    code: 500,
    message: 'ConflictError heartbeating to agent API',
    faultcode: 'Server',
  },
  HeartbeatConnectionError: {
    make: () => new errors.HeartbeatConnectionError('x'),
    code: 500,
    message: 'Error attempting to heartbeat - Possible transitory network failure or blocking port may be present.',
    faultcode: 'Server',
  },
  LookupNodeError: {
    make: () => new errors.LookupNodeError('x'),
    code: 500,
    message: 'Error getting configuration from Ironic',
    faultcode: 'Server',
  },
  LookupAgentIPError: {
    make: () => new errors.LookupAgentIPError('x'),
    code: 500,
    message: 'Error finding IP for Ironic Agent',
    faultcode: 'Server',
  },
  SystemRebootError: {
    make: () => new errors.SystemRebootError('x'),
    code: 500,
    message: 'Error rebooting system',
    faultcode: 'Server',
  },
  BlockDeviceEraseError: {
    make: () => new errors.BlockDeviceEraseError('x'),
    code: 500,
    message: 'Error erasing block device',
    faultcode: 'Server',
  },
  BlockDeviceError: {
    make: () => new errors.BlockDeviceError('x'),
    code: 500,
    message: 'Block device caused unknown error',
    faultcode: 'Server',
  },
  HardwareManagerNotFound: {
    make: () => new errors.HardwareManagerNotFound(),
    code: 500,
    message: 'No valid HardwareManager found',
    faultcode: 'Server',
  },
  HardwareManagerMethodNotFound: {
    make: () => new errors.HardwareManagerMethodNotFound('m'),
    code: 500,
    message: 'No HardwareManager found to handle method',
    faultcode: 'Server',
  },
  IncompatibleHardwareMethodError: {
    make: () => new errors.IncompatibleHardwareMethodError(),
    code: 500,
    message: 'HardwareManager method is not compatible with hardware',
    faultcode: 'Server',
  },
  VersionMismatch: {
    make: () => new errors.VersionMismatch({ a: '1' }, { a: '2' }),
    code: 409,
    message: 'Hardware managers version mismatch, reload agent with correct version',
    faultcode: 'Client',
  },
  CleaningError: {
    make: () => new errors.CleaningError('x'),
    code: 500,
    message: 'Clean step failed',
    faultcode: 'Server',
  },
  DeploymentError: {
    make: () => new errors.DeploymentError('x'),
    code: 500,
    message: 'Deploy step failed',
    faultcode: 'Server',
  },
  ServicingError: {
    make: () => new errors.ServicingError('x'),
    code: 500,
    message: 'Service step failed',
    faultcode: 'Server',
  },
  DeviceNotFound: {
    make: () => new errors.DeviceNotFound('x'),
    code: 404,
    message: 'Error finding the disk or partition device to deploy the image onto',
    faultcode: 'Client',
  },
  ProtectedDeviceError: {
    make: () => new errors.ProtectedDeviceError('/dev/sda', 'gfs2'),
    code: 500,
    message: new errors.ProtectedDeviceError('/dev/sda', 'gfs2').details,
    faultcode: 'Server',
  },
  IgnitionStageError: {
    make: () => new errors.IgnitionStageError('files', 'x'),
    code: 500,
    message: 'Ignition stage failed',
    faultcode: 'Server',
  },
  ConfigError: { make: () => new errors.ConfigError('bad value'), local: true },
};

/** A class whose instances are Errors. */
type ErrorClass = abstract new (...args: never[]) => Error;

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error;
}

/** Every class common/errors.ts exports that extends Error, by name. */
const EXPORTED: (readonly [string, ErrorClass])[] = Object.entries(errors as Record<string, unknown>).flatMap(
  ([name, value]) => (isErrorClass(value) ? [[name, value] as const] : []),
);

describe('errors', () => {
  it('has a row for every exported error class, and none for a class that is gone', () => {
    expect(EXPORTED.map(([name]) => name).sort()).to.deep.equal(Object.keys(ROWS).sort());
  });

  for (const [name, errorClass] of EXPORTED) {
    it(`${name}: is itself, named after its class, and serialises as IPA does`, () => {
      const row = ROWS[name];
      expect(row, `no row for ${name} in ROWS`).to.not.equal(undefined);
      if (row === undefined) return;

      const error = row.make();

      expect(error.constructor).to.equal(errorClass);
      expect(error.name).to.equal(name);
      if ('local' in row) {
        expect(error).not.to.be.instanceOf(errors.RestError);
        return;
      }
      expect(Object.hasOwn(errorClass, 'type'), `${name} declares its own static type`).to.equal(true);
      expect((errorClass as unknown as typeof errors.RestError).type).to.equal(errorClass.name);
      const json = (error as errors.RestError).toJSON();
      expect(Object.keys(json)).to.deep.equal(['type', 'code', 'message', 'details']);
      expect(json).to.include({ type: name, code: row.code, message: row.message });
      expect((error as errors.RestError).toFault()).to.deep.equal({
        faultcode: row.faultcode,
        faultstring: `${row.message}: ${json.details}`,
      });
      expect(JSON.parse(JSON.stringify(error))).to.deep.equal(json);
    });
  }

  it('every RestError subclass in the sources spells out its own name as its static type', async () => {
    const sources = await sourceFiles([
      'agent',
      'common',
      'cli',
      'container',
      'ignition',
      'iso',
      'reprovision',
      'fleet',
    ]);
    const restErrors = new Set(
      EXPORTED.flatMap(([name, c]) => (c.prototype instanceof errors.RestError ? [name] : [])),
    );
    restErrors.add('RestError');
    const found: string[] = [];

    for (let grew = true; grew;) {
      grew = false;
      for (const { name, base, body } of sources.flatMap((s) => classesIn(s))) {
        if (!restErrors.has(base) || found.includes(name)) continue;
        found.push(name);
        restErrors.add(name);
        grew = true;
        expect(body, `${name} declares its wire type`).to.include(`static override readonly type: string = '${name}';`);
      }
    }

    expect(found).to.include.members(['DeploymentError', 'ProcessError', 'RestoredError']);
  });

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

/** The text of every `.ts` file under `dirs` (relative to the project root). */
async function sourceFiles(dirs: string[]): Promise<string[]> {
  const root = join(import.meta.dirname, '..', '..');
  const texts: string[] = [];
  for (const dir of dirs) {
    for (const entry of await readdir(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts'))
        texts.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
    }
  }
  return texts;
}

/** The classes `source` declares with a base class: name, base and body (up to the first line that is `}`). */
function classesIn(source: string): { name: string; base: string; body: string }[] {
  return [...source.matchAll(/^(?:export )?class (\w+) extends (\w+) \{\n([\s\S]*?)^\}$/gm)].map((m) => ({
    name: m[1] ?? '',
    base: m[2] ?? '',
    body: m[3] ?? '',
  }));
}
