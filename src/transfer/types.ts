/** What both transfer engines report: progress while bytes move, and a pull that failed for one file. */

export interface PullProgress {
  bytesDone: number;
  bytesTotal: number;
  bytesThisRun: number;
  elapsedS: number;
}

export class PullError extends Error {
  constructor(
    readonly path: string,
    message: string,
    /** The box stopped answering (ssh exit 255): the other files would fail the same way. */
    readonly network = false,
  ) {
    super(message);
    this.name = 'PullError';
  }
}
