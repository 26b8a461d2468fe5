import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

// An append-only text log with one rotation (file → file.1) past a size limit. Writes are
// synchronous but rare (library warnings); a log that cannot be written is given up on quietly,
// since a dashboard must never fail because of its own diagnostics.
export class LogFile {
  private broken = false;
  private size: number | undefined;

  constructor(
    readonly path: string,
    private readonly limitBytes = 1024 * 1024,
  ) {}

  write(line: string): void {
    if (this.broken) return;
    try {
      if (this.size === undefined) {
        mkdirSync(dirname(this.path), { recursive: true });
        try {
          this.size = statSync(this.path).size;
        } catch {
          this.size = 0;
        }
      }
      if (this.size > this.limitBytes) {
        renameSync(this.path, `${this.path}.1`);
        this.size = 0;
      }
      const text = `${new Date().toISOString()} ${line}\n`;
      appendFileSync(this.path, text);
      this.size += Buffer.byteLength(text);
    } catch {
      this.broken = true;
    }
  }
}
