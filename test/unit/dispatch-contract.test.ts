import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chatopsPhase } from '../harness/phases.ts';
import { captureReporter } from '../harness/reporter.ts';

/**
 * Issue 23 §6: every workflow ChatOps dispatches gets every input it requires, and nothing it does not declare
 * (GitHub answers 422 to an unexpected input). Read from the example workflows themselves; the dispatch is
 * the one chatopsPhase makes for a registered run.
 */
type Inputs = Record<string, { required?: boolean; default?: unknown }>;
const wf = (name: string) =>
  parse(readFileSync(`examples/workflows/${name}`, 'utf8')) as { on: { workflow_dispatch?: { inputs: Inputs } }; jobs: Record<string, unknown> };
const chatops = wf('chatops.yml') as unknown as { jobs: { chatops: { if: string; steps: Array<{ with?: Record<string, string> }> } } };
const configured = chatops.jobs.chatops.steps[0]!.with!;

async function dispatched(
  command: string,
  jump: { address: string; hostKeyFingerprint: string } | null = null,
): Promise<{ workflow: string; inputs: Record<string, string> }> {
  const sent: Array<{ workflow: string; inputs: Record<string, string> }> = [];
  // The example's key comes from a secret expression; here a key file stands in for it (nothing is signed or sent).
  const { 'ssh-key': _fromSecret, ...rest } = configured;
  const inputs = { ...rest, 'github-token': 't', 'ssh-key-path': '/nonexistent' };
  const code = await chatopsPhase(inputs, captureReporter(), {
    event: { action: 'created', commentId: 1, body: command, login: 'wes', userType: 'User', issueNumber: 7, isPullRequest: false },
    defaultRef: 'main',
    api: {
      role: async () => 'admin',
      fromFork: async () => false,
      react: async () => {},
      reply: async () => 'https://github.test/comment/1',
      dispatch: async (workflow, _ref, i) => {
        sent.push({ workflow, inputs: i });
        return 'https://github.test/run/1';
      },
    },
    status: async () => ({ code: 0, states: {}, url: '' }),
    registration: async () => ({ host: '10.0.0.2', port: 22, hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`, provider: 'runpod', instanceId: 'pod-1', jump }),
  });
  expect(code).toBe(0);
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

describe('the workflows ChatOps dispatches accept what it sends', () => {
  it.each(['/tether collect r1', '/tether resume r1', '/tether teardown r1 destroy'])('%s', async (command) => {
    const d = await dispatched(command);
    const declared = wf(d.workflow).on.workflow_dispatch?.inputs ?? {};
    const required = Object.entries(declared)
      .filter(([, x]) => x.required && x.default === undefined)
      .map(([k]) => k);
    expect(
      required.filter((k) => !(k in d.inputs)),
      `${d.workflow}: required inputs not sent`,
    ).toEqual([]);
    expect(
      Object.keys(d.inputs).filter((k) => !(k in declared)),
      `${d.workflow}: inputs it does not declare`,
    ).toEqual([]);
  });
});

describe('workflows: least privilege (issue 23 §6)', () => {
  const files = ['examples/workflows/launch.yml', '.github/workflows/tether-launch.yml'];
  it.each(files)('%s: the job that runs repository code (smoke) reads only, keeps no token, and holds no issue or PR write', (file) => {
    const doc = parse(readFileSync(file, 'utf8')) as {
      permissions?: Record<string, string>;
      jobs: Record<string, { permissions?: Record<string, string>; steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }>;
    };
    const smoke = doc.jobs['smoke']!;
    const perms = smoke.permissions ?? doc.permissions ?? {};
    expect(perms).toEqual({ contents: 'read' });
    const checkout = smoke.steps!.find((s) => s.uses?.startsWith('actions/checkout'))!;
    expect(checkout.with?.['persist-credentials']).toBe(false);
    expect(doc.permissions ?? {}).not.toHaveProperty('issues');
  });
  it('the ChatOps example filters on the event before taking the self-hosted runner, and one comment cannot cancel another', () => {
    const raw = parse(readFileSync('examples/workflows/chatops.yml', 'utf8')) as { on: { issue_comment: { types: string[] } }; concurrency: { group: string } };
    expect(raw.on.issue_comment.types).toEqual(['created']);
    expect(raw.concurrency.group).toContain('github.event.comment.id');
    const cond = chatops.jobs.chatops.if;
    for (const part of ["github.event.action == 'created'", "github.event.comment.user.type == 'User'", 'author_association']) expect(cond).toContain(part);
  });

  it('a run registered behind a jump host is dispatched with the bastion and its pin; a direct one with neither', async () => {
    const jump = { address: 'ops@bastion:22', hostKeyFingerprint: `SHA256:${'B'.repeat(43)}` };
    expect((await dispatched('/tether collect r1', jump)).inputs).toMatchObject({
      'jump-host': 'ops@bastion:22',
      'jump-host-key-fingerprint': jump.hostKeyFingerprint,
    });
    const direct = (await dispatched('/tether collect r1')).inputs;
    expect(['jump-host', 'jump-host-key-fingerprint'].filter((k) => k in direct)).toEqual([]);
  });
});
