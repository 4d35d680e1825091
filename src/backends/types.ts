/**
 * One way to start and hold a job. Each backend is one TS module here and one bash file,
 * scripts/remote/backend_<name>.sh, defining `backend_start_<name>` (launch) and
 * `backend_alive_<name>` (launch, confirm, probe: liveness from the attempt's recorded handle).
 */
export interface Backend {
  name: string;
  /** The bash side, sent with lib.sh to every on-box script. */
  script: string;
  /**
   * The job runs on the machine tether logs into (so a reboot of that machine ends it). False for a
   * scheduler whose jobs run on other nodes (Slurm): there a reboot of the login node says nothing.
   */
  jobOnLoginHost: boolean;
  /** Whether a recorded handle (attempts/<n>/handle) is one this backend wrote. */
  owns(handle: string): boolean;
}
