import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * MACs over what tether writes to GitHub and must recognise later (tick memory, teardown marks, tracking
 * issues), under the key src/ssh/sign.ts macKey derives from the runner's SSH key. `label` keeps each kind
 * of record's MACs apart, so one can never stand in for another. Pure.
 */
export function mac(key: Buffer, label: string, data: string): string {
  return createHmac('sha256', key).update(`${label}\0`).update(data).digest('hex');
}

/** Whether `tag` is the MAC of `data` (constant time; a malformed tag is false). */
export function macOk(key: Buffer, label: string, data: string, tag: string): boolean {
  const want = Buffer.from(mac(key, label, data), 'hex');
  const got = /^[0-9a-f]{64}$/.test(tag) ? Buffer.from(tag, 'hex') : Buffer.alloc(0);
  return got.length === want.length && timingSafeEqual(got, want);
}
