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
}
