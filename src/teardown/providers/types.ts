import type { Verb } from '../facts.ts';

/**
 * An instance's state, normalised across providers. `gone` needs a positive signal: a terminal state by
 * name, or "not found" for an instance this teardown has seen. `missing` is "not found" for one it never
 * saw (a wrong id or region answers the same way), which proves nothing.
 */
export type InstanceState = 'gone' | 'missing' | 'stopped' | 'running' | 'changing' | 'unknown';

export interface ProviderContext {
  instanceId: string;
  runId: string;
  verb: Verb;
  /** One HTTP call (or command) may take this long before it is abandoned and the state re-queried. */
  callTimeoutMs: number;
  log(line: string): void;
}

/** One provider's verbs. `state` must be read-only and safe to repeat. */
export interface Provider {
  state(): Promise<{ state: InstanceState; detail: string }>;
  /** Asks for the verb; may answer before the instance is really gone. */
  request(verb: Verb): Promise<void>;
  /** What still bills after teardown, as far as the API can tell: reported, never deleted. */
  leftovers?(): Promise<string[]>;
}

export class ProviderError extends Error {
  constructor(
    message: string,
    /** Worth asking again after re-querying the state (timeouts, 5xx, 429). */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
