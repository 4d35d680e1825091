/** A bad input: reported as one line naming the input, what is wrong and what to do. Raised before any connection. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    problem: string,
  ) {
    super(`input '${input}': ${problem}`);
    this.name = 'InputError';
  }
}
