// The soak's fault kinds, where in a lifecycle each one strikes, and how its effect must show.

export const FAULTS = {
  'ssh-drop': { when: 'run', shows: 'the tick mid-drop says unreachable, or (the probe having finished first) the truth' },
  blackhole: { when: 'run', shows: 'the tick says unreachable' },
  'sshd-stop': { when: 'run', shows: 'the tick says unreachable' },
  reboot: { when: 'run', shows: 'the next tick says rebooted (or dead/failed): never running' },
  'kill-job': { when: 'run', shows: 'the next tick says failed or dead' },
  'disk-full': { when: 'run', shows: 'the next tick says failed (disk-full) or dead' },
  'tick-lost': { when: 'run', shows: 'the tick after the lost one says the truth' },
  'ticks-overlap': { when: 'run', shows: 'both overlapping ticks say the truth' },
  'flip-byte': { when: 'done', shows: 'collect is not verified and names the file' },
  truncate: { when: 'done', shows: 'collect is not verified and names the file' },
  'runner-killed': { when: 'collect', shows: 'the killed collect leaves no VERIFIED.json; the next one verifies' },
  'provider-hang': { when: 'teardown', shows: 'teardown fails within teardown-timeout, saying so; the next one tears down' },
  'provider-5xx': { when: 'teardown', shows: "teardown fails with the provider's 503; the next one tears down" },
} as const;

export type FaultKind = keyof typeof FAULTS;
export const FAULT_KINDS = Object.keys(FAULTS) as FaultKind[];

/** One injected fault and what was seen of it. */
export interface Injected {
  kind: FaultKind;
  box: number;
  run: string;
  /** What the status said (the observation the check was made on). */
  saw: string;
  visible: boolean;
}

/** The invariants, each a count that must stay 0. */
export const INVARIANTS = [
  'checkpoints lost',
  'runs reported dead while alive',
  'teardowns without a matching VERIFIED.json',
  'VERIFIED.json over a corrupt file',
  'double launches',
  'faults not visible within one tick',
] as const;
export type Invariant = (typeof INVARIANTS)[number];

/**
 * The faults to come, in order: every kind once in a seeded shuffle, then again, so that any 13 faults in a row
 * cover every kind (the CI run uses 13).
 */
export function faultQueue(rnd: () => number, count: number): FaultKind[] {
  const out: FaultKind[] = [];
  while (out.length < count) {
    const round = [...FAULT_KINDS];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [round[i], round[j]] = [round[j] as FaultKind, round[i] as FaultKind];
    }
    out.push(...round);
  }
  return out.slice(0, count);
}

/**
 * A lifecycle's plan, taken from the front of the queue: one to three faults, at most one of each kind that
 * strikes after the run (one corruption, one collect kill, one provider fault per lifecycle).
 */
export function planLifecycle(rnd: () => number, queue: FaultKind[]): FaultKind[] {
  const plan: FaultKind[] = [];
  const n = 1 + Math.floor(rnd() * 3);
  const phase = (k: FaultKind) => (k === 'flip-byte' || k === 'truncate' ? 'corrupt' : FAULTS[k].when);
  while (plan.length < n && queue.length) {
    const next = queue[0] as FaultKind;
    if (phase(next) !== 'run' && plan.some((k) => phase(k) === phase(next))) break;
    plan.push(queue.shift() as FaultKind);
  }
  return plan;
}
