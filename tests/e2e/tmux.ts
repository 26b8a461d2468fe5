import { execFileSync } from 'node:child_process';

// A real terminal for end-to-end tests: tmux with a fixed size, keys sent as a person would,
// and the visible screen read back as text.

// The terminal a presenter has: CI's own CI=true would make Ink's colour detection turn every
// colour and style off (the tests would see another screen than a person does).
const { CI: _ci, ...TERMINAL_ENV } = process.env;

// Each Tmux has its own server (-L), so sessions of other tests or of a person never interfere.
export class Tmux {
  constructor(readonly session: string) {}

  private run(args: string[], opts: { encoding?: 'utf8'; stdio?: 'ignore' } = {}): string {
    return execFileSync('tmux', ['-L', this.session, ...args], { ...opts, env: TERMINAL_ENV }) as unknown as string;
  }

  start(command: string, columns = 160, rows = 45, env: Record<string, string> = {}): void {
    this.kill();
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    this.run(['new-session', '-d', '-s', this.session, '-x', String(columns), '-y', String(rows), ...envArgs, command]);
    // Keep the pane after the command exits, so its last words can be read.
    this.run(['set-option', '-t', this.session, 'remain-on-exit', 'on']);
  }

  /** The visible screen; with history, also what scrolled off the top. */
  screen(history = false): string {
    try {
      return this.run(['capture-pane', '-p', ...(history ? ['-S', '-'] : []), '-t', this.session], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }

  keys(...keys: string[]): void {
    this.run(['send-keys', '-t', this.session, ...keys]);
  }

  resize(columns: number, rows: number): void {
    this.run(['resize-window', '-t', this.session, '-x', String(columns), '-y', String(rows)]);
  }

  /** The pid of the process the pane runs (the shell of the start command). */
  panePid(): number {
    return Number(this.run(['display', '-p', '-t', this.session, '#{pane_pid}'], { encoding: 'utf8' }).trim());
  }

  dead(): boolean {
    try {
      return this.run(['display', '-p', '-t', this.session, '#{pane_dead}'], { encoding: 'utf8' }).trim() === '1';
    } catch {
      return true;
    }
  }

  kill(): void {
    try {
      this.run(['kill-server'], { stdio: 'ignore' });
    } catch {
      // not running
    }
  }

  /** Wait until the screen satisfies the check; fail with the screen as it was. */
  async waitFor(check: (screen: string) => boolean, what: string, timeoutMs = 15_000, history = false): Promise<string> {
    const end = Date.now() + timeoutMs;
    let s = '';
    while (Date.now() < end) {
      s = this.screen(history);
      if (check(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; screen was:\n${s}`);
  }
}
