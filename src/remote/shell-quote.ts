/** POSIX single-quoting of one word for a remote command line (a NUL cannot be passed at all). Pure. */
export function shellQuote(arg: string): string {
  if (arg.includes('\u0000')) throw new Error('an argument contains a NUL byte');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
