import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The top folder (or root file) of a path under src/. */
const top = (p: string) => relative('src', p).split('/')[0]!;

/** Every src file's imports (static, re-exports, import()) by top folder: type imports included. */
function folderGraph(): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const text = readFileSync(p, 'utf8');
        const specs = [
          ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]/g),
          ...text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g),
        ].map((m) => m[1]!);
        for (const s of specs) {
          const to = top(normalize(join(dirname(p), s)));
          const from = top(p);
          if (to === from || to.startsWith('..')) continue;
          if (!g.has(from)) g.set(from, new Set());
          g.get(from)!.add(to);
        }
      }
    }
  };
  walk('src');
  return g;
}

/** The layout table of docs/how-it-is-built.md: folder → what it may import ('anything' or a list; '—' is nothing). */
function declared(): Map<string, Set<string> | 'anything'> {
  const out = new Map<string, Set<string> | 'anything'>();
  for (const m of readFileSync('docs/how-it-is-built.md', 'utf8').matchAll(/^ {2}\| `src\/([a-z]+(?:\.ts)?)\/?` \| .* \| ([^|]*) \|$/gm)) {
    const may = m[2]!.trim();
    out.set(
      m[1]!,
      may === 'anything'
        ? 'anything'
        : new Set(
            may
              .split(/[;(]/)[0]!
              .split(',')
              .map((s) => s.trim().replace(/\*\*/g, ''))
              .filter((s) => s && s !== '—'),
          ),
    );
  }
  return out;
}

describe('the layout table (docs/how-it-is-built.md) is the real import graph', () => {
  it('names every src folder, and no folder imports one its row does not allow', () => {
    const g = folderGraph();
    const d = declared();
    const folders = readdirSync('src', { withFileTypes: true }).map((e) => e.name);
    expect(folders.filter((f) => !d.has(f))).toEqual([]);
    const undeclared: string[] = [];
    for (const [from, tos] of g) {
      const may = d.get(from);
      for (const to of tos) if (may !== 'anything' && !may?.has(to)) undeclared.push(`${from} → ${to}`);
    }
    expect(undeclared).toEqual([]);
  });

  it('has no folder import cycle below src/phases.ts (type imports count)', () => {
    const g = folderGraph();
    const below = [...g.keys()].filter((f) => !['phases.ts', 'actions', 'cli', 'github'].includes(f));
    // A folder that reaches itself through others is a cycle.
    const reaches = (from: string, seen = new Set<string>()): Set<string> => {
      for (const to of g.get(from) ?? []) if (!seen.has(to)) reaches(to, seen.add(to));
      return seen;
    };
    expect(below.filter((f) => reaches(f).has(f))).toEqual([]);
  });
});
