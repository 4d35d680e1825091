import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Box } from './box.ts';
import { bootFromUserData } from './cloud-init.ts';
import { AWS_CREDS, verifySigV4 } from './provider-double.ts';

/**
 * The EC2 Query API (2016-11-15) for renting, on loopback: SigV4 checked (provider-double.ts, written apart from
 * the client's signer), XML answers and EC2's error document (`<Response><Errors><Error><Code>`). RunInstances
 * (ImageId ami-…, InstanceType, MinCount = MaxCount = 1, base64 UserData ≤ 16 KB, TagSpecification, optional
 * spot market options) starts a real box whose sshd takes the host key and authorized keys from the user-data's
 * cloud-config, as cloud-init would; DescribeInstances shows pending, then running with `ipAddress`;
 * TerminateInstances ends the box and the instance stays listed as terminated; GetConsoleOutput returns (base64)
 * what cloud-init prints at boot, `ec2:`-prefixed, with the `BEGIN SSH HOST KEY KEYS` block of the key the box's
 * sshd really uses. Modes: no capacity for a type, a box that never leaves pending, one that ignores the
 * user-data's host key, a console that lists another key or none yet.
 */
export interface Ec2Instance {
  id: string;
  type: string;
  image: string;
  state: 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopped';
  /** InstanceInitiatedShutdownBehavior: what an OS shutdown on the box does (the box's poweroff stand-in writes ~/.tether-power). */
  shutdownBehavior: 'stop' | 'terminate';
  box: Box | null;
  userData: string;
  tags: Record<string, string>;
  spot: boolean;
  sshdLog: string;
  /** A spot instance's request (`sir-…`) and its status code; the StateReason EC2 gave its last state change. */
  spotRequest: string | null;
  spotStatus: string;
  stateReason: string | null;
  /** When RunInstances created it and when its box came up (ms since the epoch): the double's boot time. */
  createdMs: number;
  runningMs: number | null;
}

export class Ec2Double {
  readonly instances = new Map<string, Ec2Instance>();
  readonly actions: string[] = [];
  /** Types answered with InsufficientInstanceCapacity. */
  noCapacity = new Set<string>(['p5.48xlarge']);
  types = new Set(['g5.xlarge', 'g6.xlarge', 'p5.48xlarge']);
  images = new Set(['ami-0abcdef1234567890']);
  neverBoot = false;
  ignoreUserData = false;
  /** What GetConsoleOutput's key block lists: the box's own key, another one, or nothing yet. */
  console: 'box' | 'other' | 'none' = 'box';
  /** The next this many instance descriptions answer 503 Unavailable (a provider that flaps). */
  describeFailures = 0;
  private server!: Server;
  private seq = 0;
  private starting: Promise<unknown>[] = [];
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get url(): string {
    return `${this.origin}/`;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.starting);
    for (const i of this.instances.values()) i.box?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', this.origin).pathname;
    const xml = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const error = (status: number, code: string, message: string) =>
      xml(
        status,
        `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>r-1</RequestID></Response>`,
      );
    if (req.method !== 'POST' || path !== '/') return error(400, 'InvalidAction', 'POST / only');
    if (!verifySigV4(req, path, body)) return error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
    const q = new URLSearchParams(body);
    if (q.get('Version') !== '2016-11-15') return error(400, 'InvalidParameterValue', 'unsupported Version');
    const action = q.get('Action') ?? '';
    this.actions.push(action);
    const NS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
    if (action === 'RunInstances') {
      const image = q.get('ImageId') ?? '';
      const type = q.get('InstanceType') ?? '';
      if (!/^ami-[0-9a-f]{8,17}$/.test(image)) return error(400, 'InvalidAMIID.Malformed', `Invalid id: "${image}"`);
      if (!this.images.has(image)) return error(400, 'InvalidAMIID.NotFound', `The image id '[${image}]' does not exist`);
      if (!this.types.has(type)) return error(400, 'InvalidParameterValue', `Invalid value '${type}' for InstanceType.`);
      if (q.get('MinCount') !== '1' || q.get('MaxCount') !== '1') return error(400, 'InvalidParameterValue', 'MinCount and MaxCount must be 1 here');
      const raw = Buffer.from(q.get('UserData') ?? '', 'base64');
      if (raw.length > 16 * 1024) return error(400, 'InvalidParameterValue', 'User data is limited to 16384 bytes');
      if (this.noCapacity.has(type))
        return error(500, 'InsufficientInstanceCapacity', `We currently do not have sufficient ${type} capacity in the Availability Zone you requested.`);
      const tags: Record<string, string> = {};
      for (let n = 1; q.has(`TagSpecification.1.Tag.${n}.Key`); n++)
        tags[q.get(`TagSpecification.1.Tag.${n}.Key`)!] = q.get(`TagSpecification.1.Tag.${n}.Value`) ?? '';
      const behavior = q.get('InstanceInitiatedShutdownBehavior') ?? (q.get('InstanceMarketOptions.MarketType') === 'spot' ? 'terminate' : 'stop');
      if (behavior !== 'stop' && behavior !== 'terminate')
        return error(400, 'InvalidParameterValue', `Invalid value '${behavior}' for InstanceInitiatedShutdownBehavior`);
      if (behavior === 'stop' && q.get('InstanceMarketOptions.MarketType') === 'spot')
        return error(400, 'InvalidParameterCombination', 'A one-time Spot Instance cannot be stopped: its shutdown behavior must be terminate');
      const id = `i-${(++this.seq).toString(16).padStart(17, '0')}`;
      const inst: Ec2Instance = {
        shutdownBehavior: behavior,
        id,
        type,
        image,
        state: 'pending',
        box: null,
        userData: raw.toString('utf8'),
        tags,
        spot: q.get('InstanceMarketOptions.MarketType') === 'spot',
        sshdLog: '',
        spotRequest: q.get('InstanceMarketOptions.MarketType') === 'spot' ? `sir-${this.seq.toString(16).padStart(8, '0')}` : null,
        spotStatus: 'fulfilled',
        stateReason: null,
        createdMs: Date.now(),
        runningMs: null,
      };
      this.instances.set(id, inst);
      if (!this.neverBoot) this.starting.push(this.boot(inst));
      return xml(
        200,
        `<RunInstancesResponse ${NS}><reservationId>r-1</reservationId><instancesSet><item><instanceId>${id}</instanceId><instanceState><code>0</code><name>pending</name></instanceState></item></instancesSet></RunInstancesResponse>`,
      );
    }
    if (action === 'DescribeInstances' && !q.has('InstanceId.1')) {
      // Filters as EC2 applies them: tag-key, and instance-state-name's values.
      const filters: Record<string, string[]> = {};
      for (let n = 1; q.has(`Filter.${n}.Name`); n++) {
        const vals: string[] = [];
        for (let k = 1; q.has(`Filter.${n}.Value.${k}`); k++) vals.push(q.get(`Filter.${n}.Value.${k}`)!);
        filters[q.get(`Filter.${n}.Name`)!] = vals;
      }
      const shown = [...this.instances.values()].filter(
        (i) =>
          (!filters['tag-key'] || filters['tag-key'].some((k) => k in i.tags)) &&
          (!filters['instance-state-name'] || filters['instance-state-name'].includes(i.state)),
      );
      const tagSet = (i: Ec2Instance) =>
        `<tagSet>${Object.entries(i.tags)
          .map(([k, v]) => `<item><key>${k}</key><value>${v}</value></item>`)
          .join('')}</tagSet>`;
      // One reservation per instance, as separate RunInstances calls make.
      return xml(
        200,
        `<DescribeInstancesResponse ${NS}><reservationSet>${shown
          .map(
            (i) =>
              `<item><reservationId>r-${i.id.slice(2)}</reservationId><instancesSet><item><instanceId>${i.id}</instanceId><instanceType>${i.type}</instanceType><instanceState><code>16</code><name>${i.state}</name></instanceState>${tagSet(i)}</item></instancesSet></item>`,
          )
          .join('')}</reservationSet></DescribeInstancesResponse>`,
      );
    }
    if (action === 'DescribeSpotInstanceRequests') {
      const sir = q.get('SpotInstanceRequestId.1') ?? '';
      const i = [...this.instances.values()].find((x) => x.spotRequest === sir);
      if (!i) return error(400, 'InvalidSpotInstanceRequestID.NotFound', `The spot instance request ID '${sir}' does not exist`);
      return xml(
        200,
        `<DescribeSpotInstanceRequestsResponse ${NS}><requestId>1</requestId><spotInstanceRequestSet><item><spotInstanceRequestId>${sir}</spotInstanceRequestId><state>${i.state === 'terminated' ? 'closed' : 'active'}</state><status><code>${i.spotStatus}</code><updateTime>${new Date().toISOString()}</updateTime><message>Spot status ${i.spotStatus}</message></status><instanceId>${i.id}</instanceId><type>one-time</type></item></spotInstanceRequestSet></DescribeSpotInstanceRequestsResponse>`,
      );
    }
    // GetConsoleOutput names one instance as InstanceId, the others as InstanceId.1.
    const id = q.get('InstanceId.1') ?? q.get('InstanceId') ?? '';
    const inst = this.instances.get(id);
    if (!inst) return error(400, 'InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    if (action === 'DescribeInstances') {
      // The box shut itself down (its poweroff stand-in ran): EC2 stops or terminates it as its behavior says.
      if (inst.state === 'running' && inst.box && existsSync(join(inst.box.home, '.tether-power'))) {
        inst.state = inst.shutdownBehavior === 'stop' ? 'stopped' : 'terminated';
        inst.stateReason = 'Client.InstanceInitiatedShutdown';
      }
      if (this.describeFailures > 0) {
        this.describeFailures--;
        return error(503, 'Unavailable', 'The service is unavailable. Please try again shortly.');
      }
      const ip = inst.state === 'running' && inst.box ? `<ipAddress>${inst.box.addr}</ipAddress>` : '';
      const spot = inst.spotRequest ? `<instanceLifecycle>spot</instanceLifecycle><spotInstanceRequestId>${inst.spotRequest}</spotInstanceRequestId>` : '';
      const reason = inst.stateReason
        ? `<stateReason><code>${inst.stateReason}</code><message>${inst.stateReason}: instance terminated</message></stateReason>`
        : '';
      return xml(
        200,
        `<DescribeInstancesResponse ${NS}><reservationSet><item><instancesSet><item><instanceId>${id}</instanceId><instanceType>${inst.type}</instanceType><instanceState><code>16</code><name>${inst.state}</name></instanceState>${ip}${spot}${reason}</item></instancesSet></item></reservationSet></DescribeInstancesResponse>`,
      );
    }
    if (action === 'GetConsoleOutput') {
      const key = inst.box ? inst.box.hostKeyLine.split(' ').slice(1, 3).join(' ') : '';
      const other = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMcOJ0V2d1CWjlvkgBBn3T3/Y6j9d6b3kV8zgGtYpO1x';
      const lines = [
        '[   12.345678] cloud-init[601]: Cloud-init v. 24.1 running modules:final',
        ...(this.console === 'none' || !key
          ? []
          : [
              '-----BEGIN SSH HOST KEY FINGERPRINTS-----',
              '256 SHA256:x root@box (ED25519)',
              '-----END SSH HOST KEY FINGERPRINTS-----',
              '-----BEGIN SSH HOST KEY KEYS-----',
              `${this.console === 'other' ? other : key} root@box`,
              '-----END SSH HOST KEY KEYS-----',
            ].map((l) => `ec2: ${l}`)),
      ];
      return xml(
        200,
        `<GetConsoleOutputResponse ${NS}><requestId>1</requestId><instanceId>${id}</instanceId><timestamp>${new Date().toISOString()}</timestamp><output>${Buffer.from(lines.join('\n')).toString('base64')}</output></GetConsoleOutputResponse>`,
      );
    }
    if (action === 'TerminateInstances') {
      if (inst.box) inst.sshdLog = readFileSync(join(inst.box.dir, 'sshd.log'), 'utf8');
      inst.box?.destroy();
      inst.box = null;
      inst.state = 'terminated';
      return xml(
        200,
        `<TerminateInstancesResponse ${NS}><instancesSet><item><instanceId>${id}</instanceId><currentState><name>shutting-down</name></currentState></item></instancesSet></TerminateInstancesResponse>`,
      );
    }
    return error(400, 'InvalidAction', `unknown action ${action}`);
  }

  /**
   * EC2 takes a spot instance back, as it reports it: the request's status says `instance-terminated-no-capacity`
   * while the box still runs (the two-minute window), then (`terminate`) the box goes and the instance is
   * terminated with StateReason Server.SpotInstanceTermination.
   */
  preempt(id: string, step: 'notice' | 'terminate'): void {
    const inst = this.instances.get(id);
    if (!inst?.spotRequest) throw new Error(`${id} is not a spot instance of this double`);
    inst.spotStatus = 'instance-terminated-no-capacity';
    if (step === 'notice') return;
    if (inst.box) inst.sshdLog = readFileSync(join(inst.box.dir, 'sshd.log'), 'utf8');
    inst.box?.destroy();
    inst.box = null;
    inst.state = 'terminated';
    inst.stateReason = 'Server.SpotInstanceTermination';
  }

  /** cloud-init's part: ssh_keys (unless ignored) and ssh_authorized_keys from the user-data. */
  private async boot(inst: Ec2Instance): Promise<void> {
    let box;
    try {
      box = await bootFromUserData(inst.userData, { ignoreHostKey: this.ignoreUserData });
    } catch (err) {
      // An instance that cannot start is one EC2 reports terminated (provision then says so), never one left pending.
      process.stderr.write(`ec2 double: instance ${inst.id} did not start: ${(err as Error).message}\n`);
      if (inst.state === 'pending') {
        inst.state = 'terminated';
        inst.stateReason = 'Server.InternalError';
      }
      return;
    }
    if (inst.state !== 'pending') return box.destroy();
    inst.box = box;
    inst.state = 'running';
    inst.runningMs = Date.now();
  }
}

export const EC2_ENV = { AWS_ACCESS_KEY_ID: AWS_CREDS.accessKeyId, AWS_SECRET_ACCESS_KEY: AWS_CREDS.secretAccessKey };
export const EC2_REGION = AWS_CREDS.region;
