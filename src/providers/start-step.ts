/**
 * The box's host key where the provider has no cloud-init (issue 26 §2, rank 1 through a start step of tether's
 * own): RunPod's start command, vast's onstart, Paperspace's startup script carry this.
 */
import { scriptText } from '../remote/script-text.ts';

/**
 * scripts/remote/host_key.sh, without its comments (vast's onstart holds at most 4048 characters), and the key it
 * reads from the environment. `command` runs the script from one word of base64, so it survives however the
 * provider splits a start command (RunPod's `args`), then hands over to `then` (the image's own start).
 */
export function startStep(k: { privateKey: string }): { env: Record<string, string>; script: string; command: string } {
  const script = scriptText('host_key.sh')
    .split('\n')
    .filter((l, i) => i === 0 || !/^\s*#(?! shellcheck)/.test(l))
    .join('\n');
  return {
    env: { TETHER_HOST_KEY: Buffer.from(k.privateKey).toString('base64') },
    script,
    command: `bash -c "echo ${Buffer.from(script).toString('base64')}|base64 -d|bash"`,
  };
}
