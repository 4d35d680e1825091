/** A bad input: reported as one line naming the input, what is wrong and what to do. Raised before any connection. */
export class InputError extends Error {
  /** The same line for the CLI when the advice differs there (a shell, not workflow YAML). */
  readonly cliMessage: string | undefined;
  constructor(
    readonly input: string,
    problem: string,
    cliProblem?: string,
  ) {
    super(`input '${input}': ${problem}`);
    this.name = 'InputError';
    this.cliMessage = cliProblem === undefined ? undefined : `input '${input}': ${cliProblem}`;
  }
}

/** Every bad input of one call (src/config/check.ts), each still one line naming its input. */
export class InputErrors extends InputError {
  constructor(readonly errors: InputError[]) {
    super(errors[0]?.input ?? 'inputs', '');
    this.message = errors.map((e) => e.message).join('\n');
    this.name = 'InputErrors';
  }
}
