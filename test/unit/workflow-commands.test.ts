import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAction } from '../../src/github/actions-io.ts';
import { HOSTILE_COMMANDS, workflowCommands } from '../harness/workflow-commands.ts';

describe('box text on the action stdout', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = 0;
  });

  it('the runner model sees commands outside a stop-commands block only', () => {
    expect(workflowCommands('a\n::error::x\n::stop-commands::t1\n::error::y\n::t1::\n  ::warning::z')).toEqual([
      '::error::x',
      '::stop-commands::t1',
      '::t1::',
      '::warning::z',
    ]);
  });

  it("no line of box text acts as a workflow command; tether's own annotations still work afterwards", async () => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += chunk.toString();
      return true;
    });
    const boxText = `job log:\n${HOSTILE_COMMANDS.join('\n')}\nlast line`;
    await runAction(async (r) => {
      r.info(`launch: first lines of the log:\n${boxText}`);
      r.info('a plain line of tether');
      r.error(`collect: failed: ${boxText}`);
      r.warn(`patrol: ${boxText}`);
      return 0;
    });
    const cmds = workflowCommands(stdout);
    // Exactly: one stop/resume pair around the log, then tether's own error and warning (escaped, one line each).
    expect(cmds).toHaveLength(4);
    expect(cmds[0]).toMatch(/^::stop-commands::tether-[0-9a-f]{32}$/);
    expect(cmds[1]).toBe(`::${cmds[0]!.slice('::stop-commands::'.length)}::`);
    expect(cmds[2]).toMatch(/^::error::collect: failed: job log:%0A::error::forged/);
    expect(cmds[3]).toMatch(/^::warning::patrol: job log:/);
    // The box text itself is still readable in the log.
    expect(stdout).toContain('::add-mask::tether');
    expect(stdout).toContain('a plain line of tether');
  });
});
