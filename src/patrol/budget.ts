/**
 * A run's budgets (launch's `max-hours` and `max-cost`, signed into its registration) as the status shows
 * them: a gauge per run, and the runs that crossed one. Crossing escalates; tether never acts on a budget
 * (stopping or destroying needs the proof and a person). Pure.
 */
import type { Registration } from '../registry/entry.ts';
import { durationText } from '../record/run-state.ts';

export interface BudgetLine {
  runId: string;
  line: string;
  crossed: boolean;
}

export function budgetLines(entries: Record<string, Registration>, liveIds: ReadonlySet<string>, now: Date, code: (t: string) => string): BudgetLine[] {
  const out: BudgetLine[] = [];
  for (const e of Object.values(entries)) {
    if (!liveIds.has(e.runId) || (!e.maxHoursS && !e.maxCost)) continue;
    const elapsedS = Math.max(0, (now.getTime() - Date.parse(e.launchedAt)) / 1000);
    const parts: string[] = [];
    let crossed = false;
    if (e.maxHoursS) {
      const pct = Math.round((100 * elapsedS) / e.maxHoursS);
      crossed ||= elapsedS >= e.maxHoursS;
      parts.push(`${durationText(elapsedS)} of ${durationText(e.maxHoursS)} (${pct}%)`);
    }
    const price = e.hourlyPrice ? Number(e.hourlyPrice) : null;
    if (e.maxCost && price !== null) {
      const spent = (price * elapsedS) / 3600;
      const max = Number(e.maxCost);
      crossed ||= spent >= max;
      parts.push(`$${spent.toFixed(2)} of $${max.toFixed(2)} (${Math.round((100 * spent) / max)}%)`);
    }
    out.push({
      runId: e.runId,
      crossed,
      line: `${crossed ? '🚨' : '⏱️'} ${code(e.runId)} budget since launch: ${parts.join(' · ')}${crossed ? '. **Over budget:** collect what you need, then stop or tear it down (tether does not act on a budget)' : ''}`,
    });
  }
  return out;
}
