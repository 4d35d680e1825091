/**
 * `tether launch --from-provision tether-provision-RUN.json`: the connection from the file provision left (the
 * CLI's provision → launch with nothing copied by hand), taken only when its signature verifies with the SSH key
 * this launch holds. What the file says fills host, port, user, host-key-fingerprint, provider, instance-id,
 * run-id and hourly-price; an input also given that says otherwise is an error naming both values, never a
 * silent choice. Runs before the launch parser (src/phases.ts), on inputs whose defaults are filled.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Inputs } from '../config/connection.ts';
import { parseKeySource } from '../config/connection.ts';
import { InputError } from '../config/errors.ts';
import { inputDef } from '../config/inputs.ts';
import { handoffBytes, readHandoff, HANDOFF_MAX_BYTES } from '../record/handoff.ts';
import { BoxDataError } from '../record/strict.ts';
import { loadCredential } from '../ssh/keys.ts';
import { verify } from '../ssh/sign.ts';

const IN = 'from-provision';

export function withProvision(inputs: Inputs, env: Inputs): Inputs {
  const path = (inputs[IN] ?? '').trim();
  if (!path) return inputs;
  let text: string;
  try {
    if (statSync(path).size > HANDOFF_MAX_BYTES) throw new InputError(IN, `${path} is over ${HANDOFF_MAX_BYTES} bytes: not a provision file`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(IN, `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let read;
  try {
    read = readHandoff(text);
  } catch (err) {
    if (err instanceof BoxDataError) throw new InputError(IN, `${path} is not a provision file as tether writes it: ${err.message}`);
    throw err;
  }
  const { handoff: h, signature } = read;
  if (!h.ready)
    throw new InputError(IN, `${path} names ${h.provider} instance ${h.instanceId}, but not where it is: its provision did not see the box come up`);
  if (!signature) throw new InputError(IN, `${path} is not signed (provision ran with an ssh agent); pass host, port, user and host-key-fingerprint instead`);
  const cred = loadCredential(parseKeySource(inputs, env));
  if (!('privateKey' in cred))
    throw new InputError(IN, 'is checked with the SSH private key: give ssh-key or ssh-key-path (an ssh agent cannot check it here)');
  if (!verify(cred, handoffBytes(h), signature.signer, signature.sig))
    throw new InputError(
      IN,
      `${path}'s signature does not verify with this launch's SSH key (signer ${signature.signer}): it was edited, or provisioned with another key`,
    );

  const out: Inputs = { ...inputs };
  const take = (name: string, value: string) => {
    const given = (inputs[name] ?? '').trim();
    const dflt = inputDef(name)?.default ?? '';
    if (given && given !== value && given !== dflt) throw new InputError(name, `is ${given}, but ${path} (from-provision) says ${value}; drop one of them`);
    out[name] = value;
  };
  take('run-id', h.runId);
  take('host', h.ready.host);
  take('port', String(h.ready.port));
  take('user', h.ready.user);
  take('host-key-fingerprint', h.hostKeyFingerprint);
  take('provider', h.provider);
  take('instance-id', h.instanceId);
  if (h.hourlyPrice !== null && !(inputs['hourly-price'] ?? '').trim()) out['hourly-price'] = String(h.hourlyPrice);
  // The pin comes from the file alone: another source of it would be a second truth.
  for (const other of ['known-hosts', 'accept-new-host-key'] as const)
    if ((inputs[other] ?? '').trim() && inputs[other] !== (inputDef(other)?.default ?? ''))
      throw new InputError(other, `is given, but the host key comes from ${path} (from-provision); drop ${other}`);
  return out;
}
