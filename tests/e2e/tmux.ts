import { execFileSync } from 'node:child_process';

// A real terminal for end-to-end tests: tmux with a fixed size, keys sent as a person would,
// and the visible screen read back as text.

export class Tmux {
  constructor(readonly session: string) {}

  start(command: string, columns = 160, rows = 45, env: Record<string, string> = {}): void {
    this.kill();
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    execFileSync('tmux', ['new-session', '-d', '-s', this.session, '-x', String(columns), '-y', String(rows), ...envArgs, command]);
    // Keep the pane after the command exits, so its last words can be read.
    execFileSync('tmux', ['set-option', '-t', this.session, 'remain-on-exit', 'on']);
  }

  screen(): string {
    try {
      return execFileSync('tmux', ['capture-pane', '-p', '-t', this.session], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.session, ...keys]);
  }

  resize(columns: number, rows: number): void {
    execFileSync('tmux', ['resize-window', '-t', this.session, '-x', String(columns), '-y', String(rows)]);
  }

  dead(): boolean {
    try {
      return execFileSync('tmux', ['display', '-p', '-t', this.session, '#{pane_dead}'], { encoding: 'utf8' }).trim() === '1';
    } catch {
      return true;
    }
  }

  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.session], { stdio: 'ignore' });
    } catch {
      // not running
    }
  }

  /** Wait until the screen satisfies the check; fail with the screen as it was. */
  async waitFor(check: (screen: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let s = '';
    while (Date.now() < end) {
      s = this.screen();
      if (check(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; screen was:\n${s}`);
  }
}
