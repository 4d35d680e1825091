import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.ts';
import { parseLaunch } from '../../src/config/launch.ts';
import { parseSlurmOptions } from '../../src/config/slurm.ts';
import { identity } from '../../src/record/spec.ts';

const launch = (extra: Record<string, string>) =>
  parseLaunch(withDefaults('launch', { 'run-id': 'r', command: 'python train.py', workdir: '~/code', backend: 'slurm', ...extra }));

describe('slurm-options', () => {
  it('passes allowed options as one argv word each, then the lead signal and requeue', () => {
    const cfg = launch({
      'slurm-options': '--partition=gpu\n--gres=gpu:a100:4\n--nodes=2\n--time=1-12:00:00\n--mem=64G\n# a note\n\n--exclusive',
      'slurm-conf': '/etc/slurm/other.conf',
    });
    expect(cfg.slurm).toEqual({
      sbatchOptions: ['--partition=gpu', '--gres=gpu:a100:4', '--nodes=2', '--time=1-12:00:00', '--mem=64G', '--exclusive', '--signal=B:TERM@360', '--requeue'],
      slurmConf: '/etc/slurm/other.conf',
      signalLeadS: 360,
      requeue: true,
    });
    expect(launch({ requeue: 'false', 'signal-lead': '600' }).slurm?.sbatchOptions).toEqual(['--signal=B:TERM@600', '--no-requeue']);
  });

  it.each([
    ['--wrap=rm -rf ~', /holds a space/],
    ['--wrap=true', /--wrap is not allowed: tether submits its own batch script/],
    ['--output=/etc/passwd', /--output is not allowed: tether keeps the job's output/],
    ['--error=/tmp/x', /--error is not allowed/],
    ['--chdir=/', /--chdir is not allowed/],
    ['--array=0-9', /--array is not allowed: a sweep/],
    ['--signal=KILL@1', /use `signal-lead`/],
    ['--partition=gpu;touch /tmp/x', /holds a space/],
    ['--partition=gpu;id', /--partition needs a value like gpu/],
    ['--account=$(id)', /--account needs a value/],
    ['--account=`id`', /--account needs a value/],
    ['--mem=64G && true', /holds a space/],
    ['-p gpu', /holds a space/],
    ['-pgpu', /is not --option=value/],
    ['--frobnicate=1', /--frobnicate is not an sbatch option tether passes/],
    ['--exclusive=user', /--exclusive takes no value/],
    ['--nodes', /--nodes needs a value like 2/],
    ['--time=forever', /--time needs a value like 12:00:00/],
    ['--partition=a\n--partition=b', /line 2: --partition is given twice/],
  ])('refuses %j', (line, re) => {
    expect(() => parseSlurmOptions(line)).toThrow(re);
    expect(() => launch({ 'slurm-options': line })).toThrow(/input 'slurm-options': line \d/);
  });

  it('the Slurm inputs belong to backend slurm; bounds on signal-lead and slurm-conf', () => {
    expect(() => parseLaunch(withDefaults('launch', { 'run-id': 'r', command: 'x', 'slurm-options': '--nodes=2' }))).toThrow(
      /input 'slurm-options': is for backend: slurm/,
    );
    expect(() => launch({ 'signal-lead': '30' })).toThrow(/signal-lead/);
    expect(() => launch({ 'signal-lead': '70000' })).toThrow(/signal-lead/);
    expect(() => launch({ 'slurm-conf': 'relative/slurm.conf' })).toThrow(/not an absolute path/);
    expect(() => launch({ 'slurm-conf': '/etc/slurm.conf;id' })).toThrow(/not an absolute path/);
    // The sbatch request is part of the run's identity: a resume submits the same one.
    expect(identity(launch({ 'slurm-options': '--nodes=2' }))).not.toBe(identity(launch({ 'slurm-options': '--nodes=4' })));
    expect(identity(launch({ 'slurm-options': '--nodes=2' }))).toBe(identity(launch({ 'slurm-options': '--nodes=2' })));
  });
});

describe('provider slurm reads Slurm strictly', () => {
  it('gone only when every job ended; stopped when the rest are held; a refusal on the box is an error', async () => {
    const { jobsState } = await import('../../src/providers/slurm.ts');
    const { parseJobs } = await import('../../src/remote/slurm-jobs.ts');
    const j = (id: string, state: string, reason = '') => ({ id, state, reason });
    expect(jobsState([j('1', 'CANCELLED', 'by 0'), j('2', 'TIMEOUT')]).state).toBe('gone');
    expect(jobsState([j('1', 'CANCELLED'), j('2', 'PENDING', 'JobHeldUser')]).state).toBe('stopped');
    expect(jobsState([j('1', 'PENDING', 'Priority')]).state).toBe('running');
    expect(jobsState([j('1', 'RUNNING')]).state).toBe('running');
    expect(parseJobs({ jobs: [{ id: '12', state: 'RUNNING', reason: '' }] })).toEqual([j('12', 'RUNNING')]);
    expect(() => parseJobs({ error: 'run x has no Slurm job recorded' })).toThrow(/no Slurm job recorded/);
    expect(() => parseJobs({ jobs: [{ id: '12; rm', state: 'RUNNING', reason: '' }] })).toThrow();
    expect(() => parseJobs({ jobs: [{ id: '12', state: 'running', reason: '' }] })).toThrow();
  });

  it('teardown inputs for provider slurm: the login node, no instance-id, cancel or park, no proof needed', async () => {
    const { parseTeardown } = await import('../../src/teardown/parse.ts');
    const base = { 'run-id': 'r1', provider: 'slurm', host: 'login.test', 'ssh-key-path': '/k', 'host-key-fingerprint': `SHA256:${'A'.repeat(43)}` };
    expect(parseTeardown({ ...base, verb: 'cancel' }, {})).toMatchObject({ provider: 'slurm', verb: 'cancel', instanceId: 'r1', verifiedPath: undefined });
    expect(() => parseTeardown({ ...base, verb: 'destroy' }, {})).toThrow(/use verb cancel/);
    expect(() => parseTeardown({ ...base, host: '', verb: 'cancel' }, {})).toThrow(/acts through the login node/);
    expect(() => parseTeardown({ 'run-id': 'r1', provider: 'runpod', verb: 'cancel', 'instance-id': 'p', 'api-key': 'k', 'verified-path': 'v' }, {})).toThrow(
      /cancel is for a scheduler \(provider slurm\)/,
    );
  });
});

describe('the Slurm part of the audit gate', () => {
  it('the partition asked for (else the default) must exist and be up; all nodes down is a warning; no answer fails', async () => {
    const { slurmGate } = await import('../../src/launch/audit-gate.ts');
    const { parseSlurmAudit } = await import('../../src/remote/slurm-audit.ts');
    const audit = parseSlurmAudit({
      reachable: true,
      partitions: [
        { name: 'debug', default: true, avail: 'up', nodes: 2, state: 'idle' },
        { name: 'gpu', default: false, avail: 'up', nodes: 4, state: 'down' },
        { name: 'gpu', default: false, avail: 'up', nodes: 2, state: 'drained' },
        { name: 'old', default: false, avail: 'inact', nodes: 1, state: 'idle' },
      ],
    });
    expect(slurmGate(audit, [])).toEqual({ pass: true, failures: [], warnings: [] });
    expect(slurmGate(audit, ['--partition=nosuch']).failures).toEqual(['slurm: partition nosuch does not exist (partitions: debug, gpu, old)']);
    expect(slurmGate(audit, ['--partition=old']).failures).toEqual(['slurm: partition old is inact, not up; jobs there would not start']);
    expect(slurmGate(audit, ['--partition=gpu'])).toMatchObject({
      pass: true,
      warnings: [expect.stringMatching(/every node of partition gpu is down\/drained/)],
    });
    expect(slurmGate(audit, ['--partition=debug,old']).pass).toBe(false);
    expect(slurmGate({ reachable: false, error: 'Unable to contact slurm controller' }, [])).toMatchObject({
      pass: false,
      failures: [expect.stringMatching(/sinfo did not answer on the login node \(Unable to contact slurm controller\)/)],
    });
    expect(() => parseSlurmAudit({ reachable: true, partitions: [] })).toThrow(/no partition/);
    expect(() => parseSlurmAudit({ reachable: true, partitions: [{ name: 'a;b', default: false, avail: 'up', nodes: 1, state: 'idle' }] })).toThrow();
  });
});
