/**
 * Renting on EC2 (Query API 2016-11-15, SigV4; providers-rent-facts §1.4): `RunInstances` with the AMI, the
 * type, one instance, the subnet and security group, `Name` and `tether:run-id` tags, optionally spot
 * (one-time, terminate on interruption), and base64 `UserData` with cloud-config that installs the host key
 * tether generated and lets the connection's key in (no EC2 key pair is used). `DescribeInstances` until
 * `running` with a public address. EC2's error codes are typed. EC2 lists no prices in this API: the price is
 * unknown (null), and max-hourly-price is refused for it at parse time.
 */
import { isIP } from 'node:net';
import { fingerprint } from '../record/hostkey.ts';
import { signV4, xmlTag as tag } from './sigv4.ts';
import { answer, isoOrNull, type HttpAnswer } from './http.ts';
import {
  ProviderError,
  ProvisionError,
  type BoxState,
  type Provisioner,
  type ProvisionErrorKind,
  type ProvisionSettings,
  type RentedInstance,
} from './types.ts';

const KINDS: Record<string, ProvisionErrorKind> = {
  InsufficientInstanceCapacity: 'capacity',
  InsufficientCapacity: 'capacity',
  // The type is not offered in the subnet's zone: another type may be.
  Unsupported: 'capacity',
  InstanceLimitExceeded: 'quota',
  VcpuLimitExceeded: 'quota',
  MaxSpotInstanceCountExceeded: 'quota',
  AuthFailure: 'auth',
  UnauthorizedOperation: 'auth',
  InvalidClientTokenId: 'auth',
  SignatureDoesNotMatch: 'auth',
  OptInRequired: 'auth',
  RequestLimitExceeded: 'rate-limit',
  InternalError: 'transient',
  Unavailable: 'transient',
  ServiceUnavailable: 'transient',
};

/** EC2's error document as a kind and its own words. */
export function ec2Error(a: HttpAnswer, label: string): ProvisionError {
  const code = (tag(a.text, 'Code') ?? '').slice(0, 80);
  const message = (tag(a.text, 'Message') ?? '').slice(0, 300);
  const kind: ProvisionErrorKind =
    KINDS[code] ??
    (/^Invalid|MissingParameter|InvalidParameter/.test(code)
      ? 'bad-request'
      : a.status === 503 || a.status >= 500
        ? 'transient'
        : a.status === 401 || a.status === 403
          ? 'auth'
          : 'bad-request');
  return new ProvisionError(kind, `${label}: HTTP ${a.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`);
}

/** EC2's provision settings: the region, the credentials from the environment, where to launch. */
export function awsFromEnv(
  region: string,
  env: Record<string, string | undefined>,
  subnet: string | null = null,
  securityGroup: string | null = null,
): NonNullable<ProvisionSettings['aws']> {
  return {
    region,
    accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? '',
    secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? '',
    sessionToken: env['AWS_SESSION_TOKEN'],
    subnet,
    securityGroup,
  };
}

export function awsProvisioner(s: ProvisionSettings): Provisioner {
  const a = s.aws;
  if (!a) throw new Error('aws provisioner without region and credentials');
  const url = new URL(s.apiUrl || `https://ec2.${a.region}.amazonaws.com/`);
  const creds = { region: a.region, accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey, sessionToken: a.sessionToken };
  const ec2 = async (params: Record<string, string>, label: string): Promise<string> => {
    const body = new URLSearchParams({ ...params, Version: '2016-11-15' }).toString();
    let r: HttpAnswer;
    try {
      r = await answer('POST', url.toString(), signV4('POST', url, body, creds, 'ec2', new Date()), body, s.callTimeoutMs, `aws: ${label}`);
    } catch (err) {
      if (err instanceof ProviderError) throw new ProvisionError(err.retryable ? 'transient' : 'bad-request', err.message);
      throw err;
    }
    if (r.status !== 200) throw ec2Error(r, `aws: ${label}`);
    return r.text;
  };
  return {
    // The connection's key travels in the user-data (ssh_authorized_keys): nothing to register.
    prepareKey: async () => '',
    // One region per provision; EC2 answers capacity at RunInstances, not before.
    candidates: async (types) => ({ candidates: types.map((t) => ({ instanceType: t, region: a.region, hourlyPrice: null })), skipped: [] }),
    async create(c, spec) {
      const params: Record<string, string> = {
        Action: 'RunInstances',
        ImageId: spec.image ?? '',
        InstanceType: c.instanceType,
        MinCount: '1',
        MaxCount: '1',
        UserData: Buffer.from(spec.userData).toString('base64'),
        'TagSpecification.1.ResourceType': 'instance',
        'TagSpecification.1.Tag.1.Key': 'Name',
        'TagSpecification.1.Tag.1.Value': spec.name,
        'TagSpecification.1.Tag.2.Key': 'tether:name',
        'TagSpecification.1.Tag.2.Value': spec.name,
        ...(a.subnet ? { SubnetId: a.subnet } : {}),
        ...(a.securityGroup ? { 'SecurityGroupId.1': a.securityGroup } : {}),
        ...(spec.spot
          ? {
              'InstanceMarketOptions.MarketType': 'spot',
              'InstanceMarketOptions.SpotOptions.SpotInstanceType': 'one-time',
              'InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior': 'terminate',
            }
          : // An OS shutdown stops (parks) an on-demand box, never terminates it: park-after relies on it.
            { InstanceInitiatedShutdownBehavior: 'stop' }),
      };
      const xml = await ec2(params, `run ${c.instanceType}`);
      const id = /<instancesSet>\s*<item>\s*<instanceId>(i-[0-9a-f]{8,17})<\/instanceId>/.exec(xml)?.[1];
      if (!/<RunInstancesResponse[\s>]/.test(xml) || !id) throw new ProvisionError('transient', 'aws: run: the answer names no instance id');
      return id;
    },
    async list(prefix) {
      // Instances tether tagged, in the region, that are not terminated.
      const xml = await ec2(
        {
          Action: 'DescribeInstances',
          'Filter.1.Name': 'tag-key',
          'Filter.1.Value.1': 'tether:name',
          'Filter.2.Name': 'instance-state-name',
          'Filter.2.Value.1': 'pending',
          'Filter.2.Value.2': 'running',
          'Filter.2.Value.3': 'stopping',
          'Filter.2.Value.4': 'stopped',
        },
        'list instances',
      );
      return ec2Listed(xml, prefix);
    },
    // rank 2: cloud-init writes the box's own keys to the console (`ec2:` lines), which only the account can read.
    async consoleHostKeys(id) {
      const xml = await ec2({ Action: 'GetConsoleOutput', InstanceId: id, Latest: 'true' }, 'get console output');
      const b64 = tag(xml, 'output') ?? '';
      if (!b64 || b64.length > 200_000 || !/^[A-Za-z0-9+/=\s]*$/.test(b64)) return null;
      return consoleHostKeyFingerprints(Buffer.from(b64, 'base64').toString('utf8'));
    },

    async describe(id) {
      let xml: string;
      try {
        xml = await ec2({ Action: 'DescribeInstances', 'InstanceId.1': id }, 'describe instance');
      } catch (err) {
        // Just created: EC2 is eventually consistent and may not know the id yet.
        if (err instanceof ProvisionError) return { phase: 'pending', host: null, port: 22, detail: err.message };
        throw err;
      }
      if (tag(xml, 'instanceId') !== id) return { phase: 'pending', host: null, port: 22, detail: 'the answer does not describe this instance yet' };
      // A spot instance's request says why EC2 is taking it back, while it still runs (the two-minute window).
      const request = spotRequestOf(xml);
      const spotStatus = request
        ? (/<status>\s*<code>([a-z-]{1,64})<\/code>/.exec(
            await ec2({ Action: 'DescribeSpotInstanceRequests', 'SpotInstanceRequestId.1': request }, 'describe spot request').catch(() => ''),
          )?.[1] ?? null)
        : null;
      return ec2BoxState(xml, spotStatus);
    },
  };
}

/** The spot request of a spot instance whose StateReason does not already say EC2 took it, or null. Pure. */
function spotRequestOf(xml: string): string | null {
  if (!/<instanceLifecycle>spot<\/instanceLifecycle>/.test(xml) || SPOT_PREEMPTED_REASONS.has(reasonOf(xml))) return null;
  return /<spotInstanceRequestId>(sir-[0-9a-z]{1,32})<\/spotInstanceRequestId>/.exec(xml)?.[1] ?? null;
}

const reasonOf = (xml: string) => /<stateReason>\s*<code>([^<]{0,80})<\/code>/.exec(xml)?.[1] ?? '';

/** One instance of a DescribeInstances answer as it comes up (or goes), with EC2's word on a preemption. Pure. */
export function ec2BoxState(xml: string, spotStatus: string | null): BoxState {
  const state = /<instanceState>[\s\S]*?<name>([^<]*)<\/name>/.exec(xml)?.[1] ?? 'unknown';
  const ipText = tag(xml, 'ipAddress');
  const ip = ipText && isIP(ipText) === 4 ? ipText : null;
  const reasonCode = reasonOf(xml);
  const detail = `instance state ${state.slice(0, 40)}${reasonCode ? ` (${reasonCode})` : ''}`;
  const preempted = ec2Preemption(reasonCode, spotStatus);
  const extra = preempted ? { preempted } : {};
  if (state === 'running')
    return ip
      ? { phase: 'running', host: ip, port: 22, detail, ...extra }
      : { phase: 'pending', host: null, port: 22, detail: `${detail}, no public address`, ...extra };
  if (state === 'pending') return { phase: 'pending', host: null, port: 22, detail };
  if (state === 'terminated') return { phase: 'gone', host: null, port: 22, detail, ...extra };
  if (state === 'stopped' || state === 'stopping') return { phase: 'stopped', host: null, port: 22, detail, ...extra };
  return { phase: 'failed', host: null, port: 22, detail, ...extra };
}

/** StateReason codes EC2 gives an instance it took back from a spot request. */
const SPOT_PREEMPTED_REASONS = new Set(['Server.SpotInstanceTermination', 'Server.SpotInstanceShutdown']);
/** Spot request status codes that say EC2 is interrupting (or has interrupted) the instance for capacity or price. */
const SPOT_INTERRUPTED = new Set([
  'marked-for-termination',
  'marked-for-stop',
  'marked-for-hibernation',
  'instance-terminated-no-capacity',
  'instance-terminated-by-price',
  'instance-stopped-no-capacity',
  'instance-stopped-by-price',
  'instance-hibernated-no-capacity',
]);

/**
 * EC2's own word that it preempted a spot instance (issue 27 §1): the instance's StateReason, or its spot
 * request's status code; null for anything else (a user's stop, a failed status call). Pure.
 */
export function ec2Preemption(stateReason: string, spotStatus: string | null): string | null {
  if (SPOT_PREEMPTED_REASONS.has(stateReason)) return `StateReason ${stateReason}`;
  if (spotStatus && SPOT_INTERRUPTED.has(spotStatus)) return `spot request ${spotStatus}`;
  return null;
}

/**
 * The fingerprints in cloud-init's `-----BEGIN SSH HOST KEY KEYS-----` block of a console output (each line may
 * carry an `ec2: ` prefix), or null when there is no complete block yet (the output posts some time after boot).
 * At most 16 keys; a line that is not a public key is left out. Pure.
 */
export function consoleHostKeyFingerprints(text: string): string[] | null {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/^(?:\[[^\]]*\]\s*)?(?:ec2:\s*)?/, '').trim());
  const start = lines.lastIndexOf('-----BEGIN SSH HOST KEY KEYS-----');
  const end = start < 0 ? -1 : lines.indexOf('-----END SSH HOST KEY KEYS-----', start);
  if (start < 0 || end < 0) return null;
  const out: string[] = [];
  for (const l of lines.slice(start + 1, end).slice(0, 16)) {
    const m = /^(ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|ssh-rsa) ([A-Za-z0-9+/]{20,}={0,2})(?: |$)/.exec(l);
    if (m) out.push(fingerprint(Buffer.from(m[2]!, 'base64')));
  }
  return out;
}

/** The tagged instances of a DescribeInstances answer whose tether:name starts with `prefix`. Pure. */
export function ec2Listed(xml: string, prefix: string): RentedInstance[] {
  const items = [...xml.matchAll(/<item>\s*<instanceId>(i-[0-9a-f]{8,17})<\/instanceId>([\s\S]*?)<\/item>\s*(?=<item>\s*<instanceId>|<\/instancesSet>)/g)];
  return items
    .map((m) => {
      const body = m[2] ?? '';
      const name = /<key>tether:name<\/key>\s*<value>([^<]*)<\/value>/.exec(body)?.[1] ?? '';
      const status = /<instanceState>[\s\S]*?<name>([^<]*)<\/name>/.exec(body)?.[1] ?? 'unknown';
      // A stopped instance bills its volumes only; pending and running bill the machine.
      return {
        id: m[1]!,
        name,
        status,
        billing: status === 'pending' || status === 'running',
        hourlyPrice: null,
        createdAt: isoOrNull(/<launchTime>([^<]{1,40})<\/launchTime>/.exec(body)?.[1]),
      };
    })
    .filter((i) => i.name.startsWith(prefix));
}
