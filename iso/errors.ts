/**
 * Errors of the ISO / PXE Ignition tooling.
 *
 * coreos-installer reports failures as an anyhow context chain ("Error: outer",
 * then "Caused by:" lines). `IsoError` keeps that shape: `message` is the
 * outermost context, written exactly as upstream, and `cause` links to the
 * next, more specific reason (common/cli/report.ts prints the chain). These
 * are command-line errors, not REST errors, so they deliberately stay outside
 * common/errors.ts.
 */

/** A failure of an `iso` / `pxe` operation, with an optional chain of causes. */
export class IsoError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IsoError';
  }
}

/** Thrown by ISO9660 path lookups when a path component does not exist (upstream `iso9660::NotFound`). */
export class IsoNotFoundError extends IsoError {
  constructor(message: string) {
    super(message);
    this.name = 'IsoNotFoundError';
  }
}

/**
 * Run `fn`, wrapping any error in an IsoError whose message is `context`
 * (anyhow's `.context()`). The original error becomes the cause.
 */
export async function withContext<T>(context: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new IsoError(context, { cause: error });
  }
}

/** Synchronous variant of {@link withContext}. */
export function withContextSync<T>(context: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new IsoError(context, { cause: error });
  }
}
