import type { ConnectionConfig, Inputs } from '../config/connection.ts';
import type { ProviderName, Verb } from '../record/names.ts';

export type { ProviderName, Verb };

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

export interface VerbFacts {
  /** What the provider calls it. */
  action: string;
  reversible: boolean;
  survives: string;
  keepsBilling: string;
}

/** What a provider's verbs do to the meter and to the data (runbook-facts §5.1, R61–R67), as data. */
export interface ProviderFacts {
  title: string;
  /** How tether authenticates to act: the `api-key` input, AWS credentials from the environment, the SSH connection, or the user's command. */
  credentials: 'api-key' | 'aws' | 'ssh' | 'command' | 'console';
  /** The login user of the provider's usual image (`tether init` writes it; a plain SSH box has whatever it has). */
  loginUser?: string;
  park: VerbFacts | null;
  destroy: VerbFacts | null;
  cancel?: VerbFacts | null;
  /** Why a verb is missing, when it is. */
  missing?: Partial<Record<Verb, string>>;
  /** Cost traps of the alternatives, shown on the card. */
  traps: string[];
  /**
   * A scheduler's jobs, not a rented instance (Slurm): its verbs delete no file, so no proof is needed; the
   * run's job ids come from its signed registration; collect shows no instance card.
   */
  scheduler?: true;
  /** The month the facts were checked (`YYYY-MM`). */
  verified: string;
}

/** What a provider is told to act on and with, after the inputs were parsed (src/teardown/parse.ts). */
export interface ProviderSettings {
  runId: string;
  runRoot: string;
  instanceId: string;
  verb: Verb;
  apiKey: string | undefined;
  apiUrl: string | undefined;
  awsRegion: string | undefined;
  teardownCommand: string | undefined;
  /** AutoDL: the person's word that the verb was done in the console (`console-done`). */
  consoleDone?: string;
  timeoutS: number;
  /** The box, when the connection inputs are given. */
  connection: ConnectionConfig | null;
}

/**
 * One provider: its facts, its own input checks, and its verbs. One module each in src/providers, listed
 * once in src/providers/index.ts; adding a provider is its module, its double in the test harness and its tests.
 */
export interface ProviderModule {
  name: ProviderName;
  facts: ProviderFacts;
  /** The instance when none is given (ssh: the box as host:port; slurm: the run's own jobs, by run id). */
  defaultInstance?(box: { host: string; port: number | string } | null, runId: string): string;
  /**
   * This provider's own input checks, after the common ones (an InputError naming the input). Pure. `given`
   * is the instance-id input as written (before any default).
   */
  check?(cfg: ProviderSettings, given: { instanceId: string }, env: Inputs): void;
  /** The verbs, for one instance. `jobs`: a scheduler's job ids from the run's signed registration. */
  make(ctx: ProviderContext, cfg: ProviderSettings, env: Inputs, jobs: string[] | null): Provider;
  /** Renting: where the provider can be rented by API (issue 26). */
  provision?: {
    /**
     * How the box's host key is known before the first connection (issue 26 §2's ranks): rank 1 through cloud-init
     * user-data, or through a start step of tether's own (scripts/remote/host_key.sh: RunPod's start command,
     * vast's onstart, Paperspace's startup script); rank 2 read back over the API; rank 3 trust on first use.
     */
    hostKeyChannel: 'injected-user-data' | 'injected-start-step' | 'api-console' | 'first-use';
    /** An API key (the input, or apiKeyEnv), or AWS credentials from the environment with aws-region. */
    credentials: 'api-key' | 'aws';
    /** The environment variable that holds the API key when the api-key input is empty. */
    apiKeyEnv: string;
    /** Its API lists prices (max-hourly-price can be checked); it has no default image (the form an image id takes). */
    prices: boolean;
    needsImage: RegExp | null;
    /** The connection's public key goes in the cloud-init user-data (no key registry is used). */
    keyInUserData: boolean;
    /** Whether the create call can ask for a spot or interruptible box, and size the boot disk. */
    spot: boolean;
    diskGb: boolean;
    make(s: ProvisionSettings): Provisioner;
  };
}

/**
 * How a provider's refusal of a provision call is typed (issue 26 §1): only `capacity` moves to the next
 * candidate and only `transient` and `rate-limit` are asked again, bounded; `auth`, `quota` (or balance) and
 * `bad-request` stop the provision at once with the provider's own words.
 */
export type ProvisionErrorKind = 'capacity' | 'quota' | 'bad-request' | 'auth' | 'rate-limit' | 'transient';

export class ProvisionError extends Error {
  constructor(
    readonly kind: ProvisionErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProvisionError';
  }
}

/** One thing provision may ask for: an instance type in a region, at the price the provider lists. */
export interface Candidate {
  instanceType: string;
  region: string;
  /** US dollars per hour, as the provider lists it; null when it lists none. */
  hourlyPrice: number | null;
  /** The provider's own handle on this exact offer, where one is rented by offer (vast's ask id). */
  offer?: string;
}

/** What every create carries. */
export interface CreateSpec {
  /** The instance's name at the provider (`tether-<run-id>` by default): how tether finds its own instances. */
  name: string;
  image: string | null;
  diskGb: number | null;
  spot: boolean;
  /** cloud-init user-data with the box's host key, generated on the runner for this box only (channel 1). */
  userData: string;
  /** The same host key for a start step of tether's own where there is no cloud-init (hostkey.ts `startStep`). */
  hostKey: { privateKey: string; publicKey: string };
  /** The connection's public key, for providers that take it in the create call (RunPod's PUBLIC_KEY). */
  authorizedKey: string;
  /** The provider's handle on the connection's public key (Lambda: the name of the registered key). */
  keyRef: string;
}

/** A created instance as the provider describes it while it comes up. */
export interface BoxState {
  /**
   * pending: on its way; running: up with an address; stopped: parked (a reversible stop: its disk kept, it does not
   * come up by itself); failed: another state that never leads to running; gone.
   */
  phase: 'pending' | 'running' | 'stopped' | 'failed' | 'gone';
  host: string | null;
  port: number;
  detail: string;
  /**
   * The provider's own words that it took the box away (a spot preemption), set only where its signature is
   * known (issue 27 §1: EC2's spot status and StateReason, vast's stopped triple on a bid); never from the network.
   */
  preempted?: string;
}

/** One provider's provision verbs (issue 26): `create` is one more verb of the provider module. */
export interface Provisioner {
  /** Registers (or finds) the connection's public key where the create call needs it; what create names it by. */
  prepareKey(publicKey: string): Promise<string>;
  /** The wanted types × regions in preference order, each with capacity now; `skipped` says why the others were left out. */
  candidates(types: readonly string[], regions: readonly string[]): Promise<{ candidates: Candidate[]; skipped: string[] }>;
  /** Asks for one instance; its id the moment the provider answers. */
  create(c: Candidate, spec: CreateSpec): Promise<string>;
  describe(instanceId: string): Promise<BoxState>;
  /** The account's instances whose name starts with `prefix` (how tether names what it rents), for the orphan check. */
  list(prefix: string): Promise<RentedInstance[]>;
  /**
   * What the create left at the provider for the box's first start (Paperspace's startup script, holding the
   * box's private host key), removed once the box answered with its pinned key or is gone. Never throws.
   */
  release?(instanceId: string): Promise<void>;
  /**
   * The host key fingerprints the box itself reported over the authenticated API (rank 2: EC2's console output),
   * or null while it reports none yet. Asked only when the box answers with a key other than the one tether sent.
   */
  consoleHostKeys?(instanceId: string): Promise<string[] | null>;
  /**
   * Starts a preempted (stopped) instance again, its disk kept (on-preempt restart-instance, issue 27 §2): vast
   * raises the bid to `bid` (US dollars per hour) and starts it. Where absent, the provider cannot be asked to.
   */
  restart?(instanceId: string, bid: number): Promise<void>;
}

/** One instance as a provider lists it. */
export interface RentedInstance {
  id: string;
  name: string;
  /** Whether it bills as a running machine now (booting and running do; terminated does not). */
  billing: boolean;
  status: string;
  hourlyPrice: number | null;
  /** When the provider says it was created (ISO 8601), where its listing says; the orphan line's age and cost so far. */
  createdAt: string | null;
}

export interface ProvisionSettings {
  apiKey: string;
  /** EC2: the region, the credentials (from the environment), the subnet and security group. */
  aws: {
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string | undefined;
    subnet: string | null;
    securityGroup: string | null;
  } | null;
  apiUrl: string | undefined;
  callTimeoutMs: number;
  log(line: string): void;
}
