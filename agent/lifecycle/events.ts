/**
 * The agent's event port: what happens inside the agent that the running mode
 * reacts to. It is built before the executor and the extensions, which only
 * emit; the mode subscribes when it starts and unsubscribes when it stops.
 * Nothing is patched after construction, and an event no mode listens to
 * (lockdown before the API is up) simply has no effect.
 */
import type { Logger } from '../logger.js';

/** Each event and the arguments its listeners receive. */
export interface AgentEventMap {
  /** An async command ended: the Ironic mode heartbeats at once so that Ironic does not wait for the next beat. */
  commandFinished: [];
  /** `standby` issued a power action: the host is going down. */
  powerAction: [action: 'poweroff' | 'reboot'];
  /** `system.lockdown` was accepted (after its answer is sent, the mode stops serving). */
  lockdown: [];
}

/** A listener of event `K`. */
export type AgentListener<K extends keyof AgentEventMap> = (...args: AgentEventMap[K]) => void;

/** Typed publish/subscribe between the agent's parts and the running mode. */
export class AgentEvents {
  private readonly listeners: { [K in keyof AgentEventMap]: Set<AgentListener<K>> } = {
    commandFinished: new Set(),
    powerAction: new Set(),
    lockdown: new Set(),
  };

  constructor(private readonly logger: Logger) {}

  /** Listen to `event` until the returned function is called. */
  on<K extends keyof AgentEventMap>(event: K, listener: AgentListener<K>): () => void {
    const listeners: Set<AgentListener<K>> = this.listeners[event];
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  /**
   * Call every listener of `event` in subscription order. A listener that
   * throws is logged and the others still run: the emitter (a command that
   * already ended) has nobody to hand the failure to.
   */
  emit<K extends keyof AgentEventMap>(event: K, ...args: AgentEventMap[K]): void {
    const listeners: Set<AgentListener<K>> = this.listeners[event];
    for (const listener of [...listeners]) {
      try {
        listener(...args);
      } catch (error) {
        this.logger.error('An agent event listener failed', {
          event,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
}
