import { spawn } from 'node:child_process';

/**
 * Runs the user's trusted loader on one pulled file (without blocking: other files keep moving meanwhile).
 * Checkpoint bytes are remote-controlled: the loader runs with no secrets in its environment. Null when it loaded.
 */
export function trustedLoad(command: string, file: string, home: string, timeoutMs = 600_000): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `${command} "$1"`, 'tether-load', file], {
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const keep = (d: Buffer) => (out = (out + d.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve(`trusted-load-command could not start: ${err.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? null : `trusted-load-command failed (exit ${code ?? signal}): ${out.trim().split('\n').pop() ?? ''}`);
    });
  });
}
