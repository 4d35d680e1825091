import type { BackendName } from '../record/names.ts';

/**
 * One way to start and hold a job. Each backend is one TS module here and one bash file,
 * scripts/remote/backend_<name>.sh (sent with lib.sh ahead of every on-box script, src/remote/scripts.ts), defining three functions chosen by the attempt's recorded handle:
 * - `backend_start_<name> WRAPPER ATTEMPT HEARTBEAT_S` (launch.sh): starts the wrapper, sets HANDLE;
 * - `backend_alive_<name> ATTEMPT_DIR` (launch, confirm, probe, stop): true while the attempt runs;
 * - `backend_stop_<name> ATTEMPT_DIR SIGNAL` (stop.sh, src/remote/stop.ts): TERM so the job can checkpoint,
 *   then KILL after the grace; never anything but the attempt the handle names.
 */
export interface Backend {
  name: BackendName;
  /**
   * The job runs on the machine tether logs into (so a reboot of that machine ends it). False for a
   * scheduler whose jobs run on other nodes (Slurm): there a reboot of the login node says nothing.
   */
  jobOnLoginHost: boolean;
  /** Whether a recorded handle (attempts/<n>/handle) is one this backend wrote. */
  owns(handle: string): boolean;
}
