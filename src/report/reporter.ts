/** Where a phase sends what the user sees: the GitHub Actions runner or a terminal. */
export interface Reporter {
  info(line: string): void;
  warn(line: string): void;
  /** One line saying what is wrong and what to do (an error annotation on GitHub). */
  error(line: string): void;
  /** Registers a secret value so it is masked in every later log line. */
  mask(value: string): void;
  output(name: string, value: string): void;
  summary(markdown: string): void;
  /** Box text for the reader, as it is (a log): a terminal's stdout without its escape sequences; on GitHub, inert lines in the log. */
  text?(text: string): void;
  /** The summary is shown in the same stream as the lines (a terminal), so a phase need not repeat it there. */
  readonly summaryInLog?: boolean;
}

/** Where patrol status and its tick memory live between ticks (a sticky comment, or a file). */
export interface StatusStore {
  /** Bodies written by earlier ticks (each may carry a memory block). */
  load(runIds: string[]): Promise<string[]>;
  /** Writes the status; `render(ids)` gives the body for those run ids. Returns where it went. */
  save(runIds: string[], render: (ids: string[]) => string): Promise<string[]>;
  /** Where a run's status was found before (its tracking issue, 0 when not one; its comment), so it is looked up directly next time. */
  hint?(runId: string, issue: number, comment?: number): void;
  /** The tracking issue of each run this store has found or created. */
  known?(): Record<string, number>;
  /** The status comment of each run this store has found or written (fetched directly by id next time). */
  knownComments?(): Record<string, number>;
  /** Writes a run's registration comment (launch), one per run id, by tether's identity. Returns its URL. */
  register?(runId: string, body: string): Promise<string>;
  /** Every registration comment by tether's identity where this store looks (bounded). */
  registered?(): Promise<Array<{ runId: string; body: string; closedIssue?: number }>>;
  /** Posts a new comment (a notice: GitHub notifies whom it mentions) where the status of these runs lives. Returns its URL. */
  notify?(runIds: string[], body: string): Promise<string>;
  /** Closes a run's tracking issue with a last comment (its number), or null when the status lives elsewhere. */
  closeTracking?(runId: string, comment: string): Promise<number | null>;
  /** Reopens a run's tracking issue closed by someone other than tether's teardown, saying why. */
  reopen?(runId: string, issue: number, why: string): Promise<void>;
}
