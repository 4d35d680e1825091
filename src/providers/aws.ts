import { call } from './http.ts';
import { signV4, xmlTag as tag, type AwsCredentials } from './sigv4.ts';

import { ProviderError, type InstanceState, type Provider, type ProviderContext } from './types.ts';
import { InputError } from '../config/errors.ts';
import { awsRegion, requireAwsCredentials, show } from '../config/values.ts';
import type { ProviderModule } from './types.ts';
import { awsProvisioner } from './aws-provision.ts';

/** EC2: StopInstances (park) or TerminateInstances (destroy); gone = `terminated` or InvalidInstanceID.NotFound. Leftovers: unattached EBS volumes. */
export function awsProvider(ctx: ProviderContext, creds: AwsCredentials, apiUrl?: string): Provider {
  const url = new URL(apiUrl || `https://ec2.${creds.region}.amazonaws.com/`);
  const ec2 = async (params: Record<string, string>, label: string) => {
    const body = new URLSearchParams({ ...params, Version: '2016-11-15' }).toString();
    const r = await call('POST', url.toString(), signV4('POST', url, body, creds, 'ec2', new Date()), body, ctx.callTimeoutMs, `aws: ${label}`);
    const code = tag(r.text, 'Code');
    return { ...r, code };
  };
  let seen = false;
  return {
    async state() {
      const r = await ec2({ Action: 'DescribeInstances', 'InstanceId.1': ctx.instanceId }, 'describe instance');
      // NotFound only from EC2's own error document; a wrong region answers it too, so it proves a
      // termination only for an instance this teardown has seen.
      if (r.status === 400 && /^\s*(<\?xml[^>]*>\s*)?<Response>\s*<Errors>/.test(r.text) && r.code === 'InvalidInstanceID.NotFound')
        return { state: seen ? 'gone' : 'missing', detail: 'InvalidInstanceID.NotFound' };
      if (r.status !== 200 || !/<DescribeInstancesResponse[\s>]/.test(r.text))
        return { state: 'unknown', detail: `HTTP ${r.status}, not a DescribeInstances answer` };
      if (tag(r.text, 'instanceId') !== ctx.instanceId) return { state: 'unknown', detail: 'the answer does not describe this instance' };
      seen = true;
      const name = /<instanceState>[\s\S]*?<name>([^<]*)<\/name>/.exec(r.text)?.[1] ?? 'unknown';
      const map: Record<string, InstanceState> = {
        terminated: 'gone',
        stopped: 'stopped',
        running: 'running',
        pending: 'changing',
        stopping: 'changing',
        'shutting-down': 'changing',
      };
      return { state: map[name] ?? 'unknown', detail: `instance state ${name}` };
    },
    async request(verb) {
      const r = await ec2(
        { Action: verb === 'destroy' ? 'TerminateInstances' : 'StopInstances', 'InstanceId.1': ctx.instanceId },
        verb === 'destroy' ? 'terminate' : 'stop',
      );
      if (r.code === 'InvalidInstanceID.NotFound') return;
      if (r.status !== 200) throw new ProviderError(`aws: ${verb}: HTTP ${r.status} ${r.code ?? ''} ${tag(r.text, 'Message') ?? ''}`, false);
    },
    async leftovers() {
      const r = await ec2({ Action: 'DescribeVolumes', 'Filter.1.Name': 'status', 'Filter.1.Value.1': 'available' }, 'list unattached volumes');
      return [...r.text.matchAll(/<item>\s*<volumeId>([^<]*)<\/volumeId>[\s\S]*?<size>([^<]*)<\/size>/g)].map(
        (m) => `EBS volume ${m[1]} (${m[2]} GiB, unattached) bills until deleted`,
      );
    },
  };
}

/** The registry row (src/providers/index.ts): the facts, the checks and the verbs of provider aws. */
export const aws: ProviderModule = {
  name: 'aws',
  facts: {
    title: 'AWS EC2',
    credentials: 'aws',
    loginUser: 'ubuntu',
    park: { action: 'StopInstances', reversible: true, survives: 'EBS volumes; instance-store disks are erased', keepsBilling: 'EBS volumes and Elastic IPs' },
    destroy: {
      action: 'TerminateInstances',
      reversible: false,
      survives: 'EBS volumes not marked DeleteOnTermination, and snapshots',
      keepsBilling: 'unattached EBS volumes, snapshots and unassociated Elastic IPs',
    },
    traps: ['a stopped instance still bills its EBS volumes', 'volumes without DeleteOnTermination outlive the instance'],
    verified: '2026-06',
  },
  check: (cfg, _given, env) => {
    awsRegion('aws-region', cfg.awsRegion);
    requireAwsCredentials('aws-region', env);
    if (cfg.instanceId && !/^i-[0-9a-f]{8,17}$/.test(cfg.instanceId))
      throw new InputError('instance-id', `${show(cfg.instanceId)} is not an EC2 instance id (i-…)`);
  },
  make: (ctx, cfg, env) =>
    awsProvider(
      ctx,
      {
        region: cfg.awsRegion ?? '',
        accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? '',
        secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? '',
        sessionToken: env['AWS_SESSION_TOKEN'],
      },
      cfg.apiUrl,
    ),
  // cloud-init's ssh_keys in UserData install the host key tether generated (facts §2.2, rank 1); GetConsoleOutput's
  // key block (rank 2) is not needed while user-data works.
  provision: {
    hostKeyChannel: 'injected-user-data',
    credentials: 'aws',
    apiKeyEnv: 'AWS_ACCESS_KEY_ID',
    spot: true,
    diskGb: false,
    prices: false,
    needsImage: /^ami-[0-9a-f]{8,17}$/,
    keyInUserData: true,
    make: (s) => awsProvisioner(s),
  },
};
