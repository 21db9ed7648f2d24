/** Helpers for extensions to write their commands (see types.ts). */
import type { Command, CommandSpec, RawParams } from './types.js';

/**
 * Turn a spec into the executor's view: `prepare` parses, and the run it
 * returns receives the parsed params, so `run` never re-checks or casts them.
 */
export function defineCommand<P>(spec: CommandSpec<P>): Command {
  return {
    mode: spec.mode,
    resumable: spec.resumable === true,
    prepare: (raw) => {
      const params = spec.parse(raw);
      return (context) => spec.run(params, context);
    },
  };
}

/** `parse` of a command that takes no params: whatever was sent is ignored, as before. */
export function noParams(_raw: RawParams): undefined {
  return undefined;
}

/** True for a JSON object (not null, not an array): the shape of nested params. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
