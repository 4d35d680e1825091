import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/config/errors.ts';
import { parse } from 'yaml';
import { parseAudit } from '../../src/config/audit.ts';
import { parseCollect } from '../../src/config/collect.ts';
import { parseConnection, type Inputs } from '../../src/config/connection.ts';
import { defaultsOf, withDefaults } from '../../src/config/defaults.ts';
import type { Phase } from '../../src/config/inputs.ts';
import { parseLaunch } from '../../src/config/launch.ts';
import { parsePatrol } from '../../src/config/patrol.ts';
import { parseTeardown } from '../../src/teardown/parse.ts';
import { PHASE_LIST } from '../../src/phases.ts';
import { parseChatOps } from '../../src/config/chatops.ts';
import { parseLogsPhase } from '../../src/config/logs.ts';
import { parseStopPhase } from '../../src/config/stop.ts';
import { parseProvision } from '../../src/provision/parse.ts';
import { parseRecover } from '../../src/config/recover.ts';

const FP = 'SHA256:' + 'A'.repeat(43);
const BASE: Inputs = { host: '10.0.0.1', 'ssh-key-path': '/nonexistent/key', 'host-key-fingerprint': FP };
// Every parser a phase runs, with the least input it accepts.
const PARSE: Record<Phase, { minimal: Inputs; parse: (i: Inputs) => unknown }> = {
  audit: { minimal: BASE, parse: (i) => [parseConnection(i, {}), parseAudit(i)] },
  launch: { minimal: { ...BASE, 'run-id': 'r', command: 'true' }, parse: (i) => [parseConnection(i, {}), parseAudit(i), parseLaunch(i)] },
  patrol: { minimal: { ...BASE, 'run-ids': 'r' }, parse: (i) => [parseConnection(i, {}), parsePatrol(i)] },
  collect: { minimal: { ...BASE, 'run-id': 'r', 'dest-dir': '/tmp/d' }, parse: (i) => [parseConnection(i, {}), parseCollect(i)] },
  teardown: { minimal: { ...BASE, 'run-id': 'r', provider: 'ssh', verb: 'park', 'allow-park-unverified': 'true' }, parse: (i) => parseTeardown(i, {}) },
  chatops: { minimal: BASE, parse: (i) => [parseConnection(i, {}), parseChatOps(i)] },
  logs: { minimal: { ...BASE, 'run-id': 'r' }, parse: (i) => parseLogsPhase(i, {}) },
  stop: { minimal: { ...BASE, 'run-id': 'r', 'verified-path': '/tmp/v' }, parse: (i) => parseStopPhase(i, {}) },
  provision: {
    minimal: { 'run-id': 'r', provider: 'lambda', 'api-key': 'k', 'instance-types': 'gpu_1x_a10', 'ssh-key-path': '/nonexistent/key' },
    parse: (i) => parseProvision(i, {}),
  },
  recover: {
    minimal: {
      recover: 'r',
      provider: 'aws',
      'instance-types': 'g6.xlarge',
      'report-to': 'issue:1',
      'sync-dest': 'synced',
      'ssh-key-path': '/nonexistent/key',
    },
    parse: (i) => parseRecover(i, {}),
  },
};

describe('input defaults: one table for action.yml, runPhase and the parsers', () => {
  it.each(PHASE_LIST.map((p) => p.name))('%s: each declared default parses exactly as the input left empty', (phase) => {
    const { minimal, parse: run } = PARSE[phase];
    const defaults = defaultsOf(phase);
    expect(Object.keys(defaults).length).toBeGreaterThan(3);
    const empty = run(minimal);
    for (const [k, d] of Object.entries(defaults)) {
      if (k in minimal) continue;
      expect(run({ ...minimal, [k]: d }), `${phase} ${k}=${d}`).toEqual(empty);
    }
    expect(run(withDefaults(phase, minimal))).toEqual(empty);
  });

  it.each(PHASE_LIST.map((p) => p.name))('actions/%s/action.yml declares those defaults, and no other', (phase) => {
    const doc = parse(readFileSync(`actions/${phase}/action.yml`, 'utf8')) as { inputs: Record<string, { default?: string }> };
    const declared = Object.fromEntries(Object.entries(doc.inputs).flatMap(([k, v]) => (v.default === undefined ? [] : [[k, v.default]])));
    expect(declared).toEqual({
      ...defaultsOf(phase),
      ...(phase === 'patrol' || phase === 'teardown' || phase === 'launch' || phase === 'chatops' || phase === 'provision' || phase === 'recover'
        ? { 'github-token': '${{ github.token }}' }
        : {}),
    });
  });

  it('an input a user set is never replaced; one left empty or blank is', () => {
    expect(withDefaults('patrol', { concurrency: '3', 'stall-after': '  ' })).toMatchObject({ concurrency: '3', 'stall-after': '30m', port: '22' });
    expect(withDefaults('launch', {})).not.toHaveProperty('workdir'); // its absence is what lets sync-dir choose
    expect(withDefaults('teardown', {})).not.toHaveProperty('verb'); // a teardown verb is always chosen
  });
});

describe('every bad input of a call, together', () => {
  it('launch: each independent problem once, in one go, required ones included', async () => {
    const { allInputErrors } = await import('../../src/phases.ts');
    const errors = allInputErrors(
      'launch',
      {
        'run-id': '',
        command: '',
        port: '99999',
        backend: 'screen',
        'confirm-timeout': '600',
        host: 'h',
        'ssh-key-path': '/k',
        'host-key-fingerprint': 'nope',
      },
      {},
    );
    expect(errors.map((e) => e.input).sort()).toEqual(['backend', 'command', 'confirm-timeout', 'host-key-fingerprint', 'port', 'run-id']);
    expect(
      allInputErrors('launch', { 'run-id': 'ok', command: 'true', host: 'h', 'ssh-key-path': '/k', 'host-key-fingerprint': `SHA256:${'A'.repeat(43)}` }, {}),
    ).toEqual([]);
  });

  it('collect: a missing dest-dir does not hide the bad artifact and retention-days', async () => {
    const { allInputErrors } = await import('../../src/phases.ts');
    const fp = `SHA256:${'A'.repeat(43)}`;
    const errors = allInputErrors(
      'collect',
      { 'run-id': 'r', host: 'h', 'ssh-key-path': '/k', 'host-key-fingerprint': fp, artifact: 'maybe', 'retention-days': '900' },
      {},
    );
    expect(errors.map((e) => e.input)).toEqual(['dest-dir', 'artifact', 'retention-days']);
  });

  it('stops at an input refused twice instead of guessing, and never loops', async () => {
    const { allInputErrors } = await import('../../src/phases.ts');
    let calls = 0;
    const errors = allInputErrors('teardown', { provider: 'gcp', verb: 'nuke' }, {}, () => {
      calls++;
      throw new InputError('provider', 'always wrong');
    });
    expect(errors.map((e) => e.message)).toEqual(["input 'provider': always wrong"]);
    expect(calls).toBe(2);
  });

  it('the CLI prints each problem on its own line with --flags, before touching anything', async () => {
    const { main } = await import('../../src/cli/index.ts');
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    try {
      const code = await main(['launch', '--run-id', 'bad id', '--command', 'x', '--host', 'h', '--port', '0', '--ssh-key-path', '/k', '--backend', 'screen']);
      expect(code).toBe(2);
    } finally {
      spy.mockRestore();
    }
    const errs = lines
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('error: '));
    expect(errs.map((l) => /^error: --([a-z-]+):/.exec(l)?.[1])).toEqual(['backend', 'run-id', 'port', 'known-hosts']);
    for (const l of errs) expect(l).toMatch(/\(nothing was sent to the box\)$/);
  });
});

describe('stand-ins never produce a reported problem', () => {
  it('a bad host with known-hosts for the real host reports the host only', async () => {
    const { allInputErrors } = await import('../../src/phases.ts');
    const errors = allInputErrors(
      'launch',
      {
        'run-id': 'r',
        command: 'true',
        host: '-oProxyCommand=x',
        'ssh-key-path': '/k',
        'known-hosts': 'box ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
      },
      {},
    );
    expect(errors.map((e) => e.input)).toEqual(['host']);
  });
});
