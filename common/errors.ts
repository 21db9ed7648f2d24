/**
 * The agent's one typed error hierarchy, mirroring IPA's `errors.py`.
 *
 * Every error serialises two ways:
 * - `toJSON()` gives IPA's `{type, code, message, details}`, used as `command_error`;
 * - `toFault()` gives the WSME-style `{faultcode, faultstring}` HTTP body.
 *
 * Port of IPA ironic_python_agent/errors.py, where `type` is the class name
 * (`RESTError.__init__`: `self.type = self.__class__.__name__`). Here every
 * class spells its name out in a static `type`: the bundle minifies class
 * names (scripts/bundle.mjs), so `new.target.name` is not the class's source
 * name there. test/common/errors.test.ts checks each `type` against its class.
 */

/** IPA's `command_error` shape. */
export interface SerializedError {
  type: string;
  code: number;
  message: string;
  details: string;
}

/** IPA's HTTP fault body. `Server` for codes of 500 and above. */
export interface Fault {
  faultcode: 'Client' | 'Server';
  faultstring: string;
}

/** Base of every error the agent reports to Ironic or to an API client. */
export class RestError extends Error {
  /** The wire `type` of this class's errors: its name, which every subclass must declare again. */
  static readonly type: string = 'RestError';
  /** Default summary; IPA's class attribute `message` (never ends with a period). */
  static readonly summary: string = 'An error occurred';
  /** Default HTTP-ish status code. */
  static readonly status: number = 500;
  /** Default details when none are given. */
  static readonly defaultDetails: string = 'An unexpected error occurred. Please try back later.';

  /** The wire `type`: the class's static `type`, i.e. its name. */
  readonly type: string;
  /** The HTTP status this error maps to. */
  readonly code: number;
  /** The specifics of this occurrence. */
  readonly details: string;
  /** The class-level summary (IPA's `message`). */
  readonly summary: string;

  constructor(details?: string, options?: { cause?: unknown; code?: number; summary?: string }) {
    const ctor = new.target;
    const summary = options?.summary ?? ctor.summary;
    const text = details !== undefined && details !== '' ? details : ctor.defaultDetails;
    super(`${summary}: ${text}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = ctor.type;
    this.type = ctor.type;
    this.code = options?.code ?? ctor.status;
    this.details = text;
    this.summary = summary;
  }

  /** IPA's serialisation: exactly `{type, code, message, details}`. */
  toJSON(): SerializedError {
    return { type: this.type, code: this.code, message: this.summary, details: this.details };
  }

  /** IPA's HTTP fault body: `"<message>: <details>"`. */
  toFault(): Fault {
    return { faultcode: this.code >= 500 ? 'Server' : 'Client', faultstring: `${this.summary}: ${this.details}` };
  }
}

/** 400: the request body could not be used. */
export class InvalidContentError extends RestError {
  static override readonly type: string = 'InvalidContentError';
  static override readonly summary: string = 'Invalid request body';
  static override readonly status: number = 400;
}

/** 404: no such endpoint or object; the base of RequestedObjectNotFoundError and DeviceNotFound, as in IPA. */
export class NotFound extends RestError {
  static override readonly type: string = 'NotFound';
  static override readonly summary: string = 'Not found';
  static override readonly status: number = 404;
  static override readonly defaultDetails: string = 'The requested URL was not found.';
}

/** A command failed while executing. */
export class CommandExecutionError extends RestError {
  static override readonly type: string = 'CommandExecutionError';
  static override readonly summary: string = 'Command execution failed';
}

/** 400: unknown command or malformed command name. */
export class InvalidCommandError extends InvalidContentError {
  static override readonly type: string = 'InvalidCommandError';
  static override readonly summary: string = 'Invalid command';
}

/** 400: the command's parameters are invalid. */
export class InvalidCommandParamsError extends InvalidContentError {
  static override readonly type: string = 'InvalidCommandParamsError';
  static override readonly summary: string = 'Invalid command parameters';
}

/** 404: `"<type> with id <id> not found."` */
export class RequestedObjectNotFoundError extends NotFound {
  static override readonly type: string = 'RequestedObjectNotFoundError';
  constructor(typeDescription: string, id: string) {
    super(`${typeDescription} with id ${id} not found.`);
  }
}

/** 409: another command is still running. */
export class AgentIsBusy extends CommandExecutionError {
  static override readonly type: string = 'AgentIsBusy';
  static override readonly summary: string = 'Agent is busy';
  static override readonly status: number = 409;
  constructor(commandName: string) {
    super(`executing command ${commandName}`);
  }
}

/** A call to the Ironic API failed; the base of the heartbeat and lookup errors, as in IPA. */
export class IronicAPIError extends RestError {
  static override readonly type: string = 'IronicAPIError';
  static override readonly summary: string = 'Error in call to ironic-api';
}

/** A heartbeat was refused. */
export class HeartbeatError extends IronicAPIError {
  static override readonly type: string = 'HeartbeatError';
  static override readonly summary: string = 'Error heartbeating to agent API';
}

/** A heartbeat got 409 (node locked). */
export class HeartbeatConflictError extends IronicAPIError {
  static override readonly type: string = 'HeartbeatConflictError';
  static override readonly summary: string = 'ConflictError heartbeating to agent API';
}

/** A heartbeat could not reach Ironic. */
export class HeartbeatConnectionError extends IronicAPIError {
  static override readonly type: string = 'HeartbeatConnectionError';
  static override readonly summary: string =
    'Error attempting to heartbeat - Possible transitory network failure or blocking port may be present.';
}

/** Lookup did not succeed before `lookup_timeout`. */
export class LookupNodeError extends IronicAPIError {
  static override readonly type: string = 'LookupNodeError';
  static override readonly summary: string = 'Error getting configuration from Ironic';
}

/** No routable address to advertise. */
export class LookupAgentIPError extends IronicAPIError {
  static override readonly type: string = 'LookupAgentIPError';
  static override readonly summary: string = 'Error finding IP for Ironic Agent';
}

/** Rebooting or powering off failed. */
export class SystemRebootError extends RestError {
  static override readonly type: string = 'SystemRebootError';
  static override readonly summary: string = 'Error rebooting system';
}

/** Erasing a block device failed. */
export class BlockDeviceEraseError extends RestError {
  static override readonly type: string = 'BlockDeviceEraseError';
  static override readonly summary: string = 'Error erasing block device';
}

/** A block device caused an unexpected error. */
export class BlockDeviceError extends RestError {
  static override readonly type: string = 'BlockDeviceError';
  static override readonly summary: string = 'Block device caused unknown error';
}

/** No hardware manager supports this machine. */
export class HardwareManagerNotFound extends RestError {
  static override readonly type: string = 'HardwareManagerNotFound';
  static override readonly summary: string = 'No valid HardwareManager found';
}

/** No hardware manager handles the method. */
export class HardwareManagerMethodNotFound extends RestError {
  static override readonly type: string = 'HardwareManagerMethodNotFound';
  static override readonly summary: string = 'No HardwareManager found to handle method';
  constructor(method: string) {
    super(`Could not find method: ${method}`);
  }
}

/** A manager defers a method to the next manager (dispatch falls through). */
export class IncompatibleHardwareMethodError extends RestError {
  static override readonly type: string = 'IncompatibleHardwareMethodError';
  static override readonly summary: string = 'HardwareManager method is not compatible with hardware';
}

/** Hardware manager versions differ from those Ironic cached: status `CLEAN_VERSION_MISMATCH`. */
export class VersionMismatch extends RestError {
  static override readonly type: string = 'VersionMismatch';
  static override readonly summary: string = 'Hardware managers version mismatch, reload agent with correct version';
  static override readonly status: number = 409;
  constructor(agentVersion: Record<string, string>, nodeVersion: unknown) {
    super(`Current versions: ${pyRepr(agentVersion)}, versions used by ironic: ${pyRepr(nodeVersion)}`);
  }
}

/** A clean step failed. */
export class CleaningError extends RestError {
  static override readonly type: string = 'CleaningError';
  static override readonly summary: string = 'Clean step failed';
}

/** A deploy step failed. */
export class DeploymentError extends RestError {
  static override readonly type: string = 'DeploymentError';
  static override readonly summary: string = 'Deploy step failed';
}

/** A service step failed. */
export class ServicingError extends RestError {
  static override readonly type: string = 'ServicingError';
  static override readonly summary: string = 'Service step failed';
}

/** 404: no device matches (root device hints, install device). */
export class DeviceNotFound extends NotFound {
  static override readonly type: string = 'DeviceNotFound';
  static override readonly summary: string = 'Error finding the disk or partition device to deploy the image onto';
}

/** Cleaning refused: the device holds a shared/clustered filesystem. IPA sets message = details. */
export class ProtectedDeviceError extends CleaningError {
  static override readonly type: string = 'ProtectedDeviceError';
  constructor(device: string, what: string) {
    const text =
      `Protected ${what} located on device ${device}. This volume or contents may be a shared block device. ` +
      'Please consult your storage administrator, and restart cleaning after either detaching the volumes, ' +
      'or instructing IPA to not protect contents. See Ironic Python Agent documentation for more information.';
    super(text, { summary: text });
  }
}

/**
 * An Ignition stage run from the running system (the staged reprovision)
 * failed. `details` names the stage, quotes Ignition's CRITICAL lines and says
 * what to do next; it never holds the config, which may carry secrets.
 */
export class IgnitionStageError extends CommandExecutionError {
  static override readonly type: string = 'IgnitionStageError';
  static override readonly summary: string = 'Ignition stage failed';
  /**
   * @param stage - the stage that failed (`fetch-offline`, `files`, ...), or what failed around it (`bind /var`)
   * @param details - the message
   */
  constructor(
    readonly stage: string,
    details: string,
  ) {
    super(details);
  }
}

/** A bad configuration value (not sent on the wire; names the option and its source). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Normalise anything thrown into a RestError, so the API never answers 500 for an
 * unserialisable error (IPA does, for e.g. a KeyError).
 * @param error - what was thrown
 * @param wrap - the RestError class used for non-RestErrors (default CommandExecutionError)
 */
export function toRestError(
  error: unknown,
  wrap: new (details?: string, options?: { cause?: unknown }) => RestError = CommandExecutionError,
): RestError {
  if (error instanceof RestError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new wrap(text, { cause: error });
}

/** Python-repr-like rendering of a small dict, as IPA's messages show it. */
function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `'${k}': ${pyRepr(v)}`);
  return `{${entries.join(', ')}}`;
}
