/**
 * Invalid root device hints or skip-list entries.
 *
 * Port of the ValueError raised by IPA device_hints.parse_root_device_hints.
 * It is a plain Error, not a RestError: callers decide how it reaches Ironic
 * (install-device.ts wraps it into DeviceNotFound "... failed to validate").
 */
export class HintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HintError';
  }
}
