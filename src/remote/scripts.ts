import audit from '../../scripts/remote/audit.sh?raw';
import { BACKEND_LIST } from '../backends/index.ts';
import confirm from '../../scripts/remote/confirm.sh?raw';
import launch from '../../scripts/remote/launch.sh?raw';
import lib from '../../scripts/remote/lib.sh?raw';
import manifest from '../../scripts/remote/manifest.sh?raw';
import probe from '../../scripts/remote/probe.sh?raw';
import stop from '../../scripts/remote/stop.sh?raw';
import sync from '../../scripts/remote/sync.sh?raw';
import wrapper from '../../scripts/remote/wrapper.sh?raw';

/** The on-box scripts, bundled as text. `wrapper` is written to the box; the rest run from stdin. */
export const SCRIPTS = { audit, confirm, launch, manifest, probe, stop, sync } as const;
export type ScriptName = keyof typeof SCRIPTS;
/** The wrapper runs on its own long after the SSH session ended, so it carries lib.sh with it. */
export const WRAPPER = `${lib}\n${wrapper}`;
/** lib.sh and every backend's functions: what each on-box script is sent ahead of itself. */
export const LIB = [lib, ...BACKEND_LIST.map((b) => b.script)].join('\n');
