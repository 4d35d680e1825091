import { createHash, createHmac } from 'node:crypto';
import { call } from './http.ts';
import { ProviderError, type InstanceState, type Provider, type ProviderContext } from './types.ts';
import { InputError } from '../config/errors.ts';
import { show } from '../config/values.ts';
import type { ProviderModule } from './types.ts';

export interface AwsCredentials {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/**
 * SigV4 over the EC2 Query API, signed here rather than through the AWS SDK on purpose: three calls
 * (Describe, Stop/Terminate, DescribeVolumes) do not justify several MB of SDK in every bundle, and our
 * own `call()` keeps the hard client timeout and the re-query-before-retry rule in one place. Pure.
 */
export function signV4(method: string, url: URL, body: string, creds: AwsCredentials, service: string, now: Date): Record<string, string> {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: url.host, 'x-amz-date': amzDate };
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonical = [method, url.pathname || '/', '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), hash(body)].join('\n');
  const scope = `${day}/${creds.region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hash(canonical)].join('\n');
  const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), creds.region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const { host: _host, ...sent } = headers; // fetch sets Host itself, from the URL signed above
  return { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

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
    const region = cfg.awsRegion;
    if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
      throw new InputError('aws-region', `${region ? show(region) + ' is not' : 'is required:'} an AWS region like us-east-1`);
    if (!env['AWS_ACCESS_KEY_ID'] || !env['AWS_SECRET_ACCESS_KEY'])
      throw new InputError(
        'aws-region',
        'provider aws needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (e.g. from aws-actions/configure-aws-credentials)',
      );
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
};
