import { createHash, createHmac } from 'node:crypto';

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

/** The text of the first `<name>…</name>` in an EC2 Query API answer (flat fields only). */
export const xmlTag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
