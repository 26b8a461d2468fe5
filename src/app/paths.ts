import { homedir } from 'node:os';
import { join } from 'node:path';

// Where k2mc keeps its own files (logs of libraries, later the fault journal and recordings):
// $K2MC_STATE_DIR, else $XDG_STATE_HOME/k2mc, else ~/.local/state/k2mc. Created on first write.
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.K2MC_STATE_DIR) return env.K2MC_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'k2mc');
}
