/**
 * The one error type of `reprovision`: what went wrong and what to do next.
 * The CLI prints it as `ironic-coreos-agent reprovision <cmd>: error: <message>`
 * (common/cli/report.ts), then the causes (an installer's or Ignition's own
 * message travels as the cause).
 */

/** A reprovisioning failure; `hint` says what the operator does next. */
export class ReprovisionError extends Error {
  /** What to do next (no final period needed). */
  readonly hint: string;

  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(`${message}\n  what to do: ${hint}`, options);
    this.name = 'ReprovisionError';
    this.hint = hint;
  }
}
