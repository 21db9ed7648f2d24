/**
 * The message of a thrown value, for the collectors' logs. A leaf module so
 * that lshw.ts can use it without importing the plugin model (types.ts),
 * which itself needs lshw's node type.
 */

/** The message of an unknown thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
