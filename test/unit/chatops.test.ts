import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/chatops/command.ts';
import { eventGate, roleGate, roleOf, type CommentEvent } from '../../src/chatops/gate.ts';
import { parseChatOps } from '../../src/config/chatops.ts';
import { InputError } from '../../src/config/errors.ts';

describe('/tether commands, parsed strictly (pure)', () => {
  it.each([
    ['/tether', { kind: 'help' }],
    ['/tether help', { kind: 'help' }],
    ['/tether status', { kind: 'status', runIds: [] }],
    ['/tether status a b.c', { kind: 'status', runIds: ['a', 'b.c'] }],
    ['/tether collect r-1\nanything else on later lines', { kind: 'collect', runId: 'r-1' }],
    ['/tether resume r-1   ', { kind: 'resume', runId: 'r-1' }],
    ['/tether teardown r-1', { kind: 'teardown', runId: 'r-1', verb: null }],
    ['/tether teardown r-1 park', { kind: 'teardown', runId: 'r-1', verb: 'park' }],
    ['/tether\tteardown\tr-1\tdestroy', { kind: 'teardown', runId: 'r-1', verb: 'destroy' }],
  ])('%j', (body, command) => {
    expect(parseCommand(body)).toEqual({ kind: 'command', command });
  });

  it.each([
    ['/tether help me', /takes no arguments/],
    ['/tether collect', /exactly one run id/],
    ['/tether collect a b', /exactly one run id/],
    ['/tether collect ../x', /is not a run id/],
    ['/tether status a a', /named twice/],
    [`/tether status ${Array.from({ length: 17 }, (_, i) => `r${i}`).join(' ')}`, /at most 16/],
    ['/tether teardown r-1 nuke', /park or destroy/],
    ['/tether teardown r-1 park now', /takes a run id/],
    ['/tether deploy', /"deploy" is not a tether command/],
    [`/tether status ${'a'.repeat(1300)}`, /longer than 1200/],
    [`/tether help\n${'x'.repeat(70_000)}`, /longer than 65536/],
  ])('%j is wrong: %s', (body, why) => {
    const p = parseCommand(body);
    expect(p.kind).toBe('wrong');
    expect(p.kind === 'wrong' && p.why).toMatch(why);
  });

  it.each(['', 'hello', '/tetherx', ' /tether', '／tether help', '/tеther help', '\u200b/tether help', '> /tether help', 'TETHER help', '/Tether help'])(
    '%j is no command at all',
    (body) => expect(parseCommand(body)).toEqual({ kind: 'none' }),
  );
});

describe('who may command (pure)', () => {
  const ev = (over: Partial<CommentEvent> = {}): CommentEvent => ({
    action: 'created',
    commentId: 1,
    body: '/tether help',
    login: 'ada',
    userType: 'User',
    issueNumber: 2,
    isPullRequest: false,
    ...over,
  });
  it('only a newly created comment by a person', () => {
    expect(eventGate(ev())).toEqual({ ok: true });
    expect(eventGate(ev({ action: 'edited' })).ok).toBe(false);
    expect(eventGate(ev({ userType: 'Bot', login: 'dependabot[bot]' })).ok).toBe(false);
    expect(eventGate(ev({ login: 'sneaky[bot]' })).ok).toBe(false);
  });
  it('roles in order, from role_name first; a fork’s non-collaborator whatever min says', () => {
    expect(roleOf({ permission: 'write', role_name: 'maintain' })).toBe('maintain');
    expect(roleOf({ permission: 'read' })).toBe('read');
    expect(roleOf({ role_name: 'custom-role', permission: 'admin' })).toBe('admin');
    expect(roleOf({})).toBe('none');
    expect(roleGate('a', 'write', 'write', false).ok).toBe(true);
    expect(roleGate('a', 'triage', 'write', false).ok).toBe(false);
    expect(roleGate('a', 'read', 'read', false).ok).toBe(true);
    expect(roleGate('a', 'read', 'read', true).ok).toBe(false);
    expect(roleGate('a', 'triage', 'triage', true).ok).toBe(true);
  });
  it('chatops inputs are checked before anything is said on GitHub', () => {
    expect(parseChatOps({})).toMatchObject({ minRole: 'write', ref: '', workflows: { collect: '' } });
    for (const [inputs, name] of [
      [{ 'min-permission': 'owner' }, 'min-permission'],
      [{ 'min-permission': 'none' }, 'min-permission'],
      [{ 'collect-workflow': '../x.yml' }, 'collect-workflow'],
      [{ 'teardown-workflow': 'td.sh' }, 'teardown-workflow'],
      [{ 'workflow-ref': 'main; rm' }, 'workflow-ref'],
      [{ 'report-to': 'somewhere' }, 'report-to'],
    ] as const) {
      let err: unknown;
      try {
        parseChatOps(inputs);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(inputs)).toBeInstanceOf(InputError);
      expect((err as InputError).input).toBe(name);
    }
  });
});

describe('the chatops example and the workflows it dispatches', () => {
  it('each dispatched example workflow declares every input chatops sends it', async () => {
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const doc = parse(readFileSync('examples/workflows/chatops.yml', 'utf8')) as {
      on: Record<string, unknown>;
      jobs: { chatops: { steps: Array<{ uses: string; with: Record<string, string> }> } };
    };
    expect(Object.keys(doc.on)).toEqual(['issue_comment']);
    const step = doc.jobs.chatops.steps.find((s) => s.uses.includes('actions/chatops'))!;
    const sends: Record<string, string[]> = {
      'collect-workflow': ['run-id', 'requested-by', 'host', 'port', 'host-key-fingerprint'],
      'teardown-workflow': ['run-id', 'requested-by', 'host', 'port', 'host-key-fingerprint', 'verb'],
      'resume-workflow': ['run-id', 'requested-by', 'host', 'port', 'host-key-fingerprint', 'resume'],
    };
    for (const [input, names] of Object.entries(sends)) {
      const file = step.with[input]!;
      const wf = parse(readFileSync(`examples/workflows/${file}`, 'utf8')) as { on: { workflow_dispatch: { inputs: Record<string, unknown> } } };
      expect(Object.keys(wf.on.workflow_dispatch.inputs), `${file} (${input})`).toEqual(expect.arrayContaining(names));
    }
  });
});
