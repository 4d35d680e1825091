/**
 * A spot run on the EC2 double, as the recovery tests and the spot soak drive it: provision, launch with
 * on-preempt replace, a patrol with the provider's credentials and checkpoint sync that dispatches recoveries
 * to the GitHub double (the real @octokit/rest), and tether recover as the dispatched workflow runs it.
 */
import { ed25519Pair } from '../../src/ssh/keygen.ts';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { githubStore } from '../../src/github/status-store.ts';
import { parseReportTo } from '../../src/config/patrol.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { EC2_ENV, EC2_REGION, type Ec2Double, type Ec2Instance } from './ec2-double.ts';
import type { GitHubDouble } from './github-double.ts';
import { collectPhase, launchPhase, patrolPhase, provisionPhase, recoverPhase } from './phases.ts';
import type { ArtifactDouble } from './artifact-double.ts';
import { captureReporter } from './reporter.ts';
import { actionsApi } from '../../src/github/actions-api.ts';

export const TRAIN = join(import.meta.dirname, '..', 'fixtures', 'recover', 'train.py');
/** The steps a train.py attempt logged, in order, with their losses as printed. */
export function logged(text: string): Array<[number, string]> {
  return [...text.matchAll(/^step (\d+) loss ([0-9.]+)$/gm)].map((m) => [Number(m[1]), m[2]!]);
}
export const readIf = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : '');

export class SpotLab {
  readonly account = ed25519Pair('tether-runner');
  readonly key: string;
  constructor(
    readonly ec2: Ec2Double,
    readonly gh: GitHubDouble,
    readonly work: string,
  ) {
    this.key = join(work, 'key');
    writeFileSync(this.key, this.account.private, { mode: 0o600 });
    gh.workflows['tether-launch.yml'] = ['recover', 'recover-commit'];
    gh.workflows['collect-teardown.yml'] = ['run-id', 'requested-by', 'host', 'port', 'host-key-fingerprint', 'provider', 'instance-id'];
  }

  ghEnv() {
    return { GITHUB_REPOSITORY: this.gh.repo, GITHUB_API_URL: this.gh.url };
  }
  store(at: string) {
    return githubStore(parseReportTo(at)!, this.ghEnv(), 'ghs-actions-token');
  }
  rent() {
    return {
      provider: 'aws',
      'aws-region': EC2_REGION,
      'provider-api-url': this.ec2.url,
      'instance-types': 'g6.xlarge',
      image: 'ami-0abcdef1234567890',
      subnet: 'subnet-0123456789abcdef0',
      'security-group': 'sg-0123456789abcdef0',
      spot: 'true',
      user: 'root',
      'connect-timeout': '3',
    };
  }
  /** A code folder for one run, holding train.py (its release is the run's code). */
  code(name: string): string {
    const dir = join(this.work, name);
    mkdirSync(dir, { recursive: true });
    cpSync(TRAIN, join(dir, 'train.py'));
    return dir;
  }

  /** Rents a spot box and launches on it with on-preempt replace; the instance id, or throws with the errors. */
  async start(
    run: string,
    at: string,
    o: {
      code: string;
      command: string;
      env: string;
      commit?: string;
      inputs?: Record<string, string>;
      launchEnv?: Record<string, string>;
      /** false: an on-demand box (default: spot). */
      spot?: boolean;
    },
  ): Promise<string> {
    const p = captureReporter();
    const rent = { ...this.rent(), ...(o.spot === false ? { spot: 'false' } : {}) };
    if ((await provisionPhase({ ...rent, 'run-id': run, 'ssh-key-path': this.key }, EC2_ENV, p, this.work)) !== 0) throw new Error(p.errors.join('\n'));
    const l = captureReporter();
    const code = await launchPhase(
      {
        'from-provision': join(this.work, `tether-provision-${run}.json`),
        'ssh-key-path': this.key,
        command: o.command,
        'sync-dir': o.code,
        checkpoints: 'ckpt/step_*.pt',
        env: o.env,
        audit: 'false',
        'confirm-timeout': '1',
        'report-to': at,
        'on-preempt': 'replace',
        'max-recoveries': '20',
        // The spot-notice watch asks a closed port on the box's loopback, never 169.254.169.254.
        'metadata-address': '127.0.0.1:1',
        ...(o.commit ? { commit: o.commit } : {}),
        ...o.inputs,
      },
      o.launchEnv ?? {},
      l,
      this.work,
      this.store(at),
    );
    if (code !== 0) throw new Error(l.errors.join('\n'));
    return p.outputs['instance-id']!;
  }

  async patrol(at: string, run: string, o: { collect?: boolean; actions?: boolean } = {}) {
    const r = captureReporter();
    const { chatopsApi } = await import('../../src/github/chatops-api.ts');
    const code = await patrolPhase(
      {
        'ssh-key-path': this.key,
        'connect-timeout': '2',
        'connect-attempts': '1',
        'report-to': at,
        provider: 'aws',
        'aws-region': EC2_REGION,
        'provider-api-url': this.ec2.url,
        'preempt-confirm': '1s',
        sync: 'latest',
        'sync-dest': 'synced',
        'sync-settle': '1s',
        'recover-workflow': 'tether-launch.yml',
        'workflow-ref': 'main',
        'github-token': 'ghs-actions-token',
        ...(o.collect ? { 'auto-collect-workflow': 'collect-teardown.yml' } : {}),
      },
      { ...EC2_ENV, ...this.ghEnv() },
      r,
      {
        probe: probeHost,
        remote: this.store(at),
        workspace: this.work,
        dispatcher: (token) => ({ dispatch: (w, ref, i) => chatopsApi(this.ghEnv(), token).dispatch(w, ref, i) }),
        ...(o.actions ? { actionsApi: (token: string) => actionsApi(this.ghEnv(), token) } : {}),
      },
    );
    const states = JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string; attempt: number; step: number | null; flags: string[] }>;
    const recoveries = JSON.parse(r.outputs['recoveries'] ?? '[]') as Array<{ run_id: string; attempt: number; action: string; url?: string }>;
    const policies = JSON.parse(r.outputs['policies'] ?? '[]') as Array<{ run_id: string; attempt: number; verb: string; outcome: string; why?: string }>;
    return { code, r, v: states[run]!, recoveries, policies, body: r.summaries.join('\n') };
  }

  /** tether recover, as the dispatched launch workflow runs it on this runner. */
  async recover(at: string, run: string, env: string, over: Record<string, string> = {}) {
    const r = captureReporter();
    const code = await recoverPhase(
      {
        ...this.rent(),
        recover: run,
        'ssh-key-path': this.key,
        env,
        'sync-dest': 'synced',
        'report-to': at,
        audit: 'false',
        'confirm-timeout': '1',
        'preempt-confirm': '1s',
        'metadata-address': '127.0.0.1:1',
        ...over,
      },
      { ...EC2_ENV, ...this.ghEnv() },
      r,
      this.work,
      this.store(at),
    );
    return { code, r, text: [...r.errors, ...r.summaries].join('\n') };
  }

  /**
   * The collect the patrol dispatched, run as that workflow run would run it on this runner: its artifacts go to the
   * service double under the dispatched run's id (the real @actions/artifact client reads its variables from
   * process.env, as on a runner, so they are set for the call only).
   */
  async collectAs(d: { inputs: Record<string, unknown>; runId: number }, art: ArtifactDouble) {
    const i = d.inputs as Record<string, string>;
    const c = captureReporter();
    const before = { ...process.env };
    Object.assign(process.env, art.env(String(d.runId), 'job-collect'));
    try {
      // Imported here: @actions/github reads GITHUB_API_URL once, when first imported.
      const { githubArtifacts } = await import('../../src/github/artifacts.ts');
      const code = await collectPhase(
        {
          'run-id': i['run-id']!,
          host: i['host']!,
          port: i['port']!,
          user: 'root',
          'host-key-fingerprint': i['host-key-fingerprint']!,
          'ssh-key-path': this.key,
          provider: i['provider']!,
          'instance-id': i['instance-id']!,
          'dest-dir': 'collected',
        },
        {},
        c,
        this.work,
        githubArtifacts(process.env),
      );
      return { code, r: c };
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in before)) delete process.env[k];
      Object.assign(process.env, before);
    }
  }

  box(id: string): Ec2Instance {
    return this.ec2.instances.get(id)!;
  }
  runDir(id: string, run: string): string {
    return `${this.box(id).box!.home}/.tether/runs/${run}`;
  }
  dispatchesOf(run: string) {
    return this.gh.dispatches.filter((d) => d.inputs['recover'] === run);
  }
}
