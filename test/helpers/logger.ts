/** A quiet logger that keeps entries in memory, for assertions. */
import { createLogger, MemoryTransport, type Logger } from '../../agent/logger.js';

/** A debug-level logger writing only to memory. */
export function createTestLogger(): { logger: Logger; memory: MemoryTransport } {
  const memory = new MemoryTransport();
  return { logger: createLogger({ debug: true, transports: [memory] }), memory };
}
