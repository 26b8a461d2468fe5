// Paints Ink's frames onto the alternate screen line by line. Ink (in debug mode) hands us each
// complete frame; we keep what is on screen and rewrite only the lines that changed, addressing
// each by its absolute row. Nothing depends on where the cursor was left, so a frame can never
// drift or scroll, and a steady dashboard costs a few bytes a second (just the clock line).

export class FrameWriter {
  private painted: string[] = [];
  private pending: string | undefined;
  private scheduled = false;
  /** Bytes written since creation, for the benchmark and tests. */
  bytes = 0;

  constructor(
    private readonly write: (data: string) => void,
    private readonly schedule: (fn: () => void) => void = setImmediate,
  ) {}

  /** Accept a frame; several frames in one turn of the event loop are painted once. */
  frame(text: string): void {
    this.pending = text;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  flush(): void {
    if (this.pending === undefined) return;
    const lines = this.pending.replace(/\n$/, '').split('\n');
    this.pending = undefined;
    const out: string[] = [];
    const rows = Math.max(lines.length, this.painted.length);
    for (let i = 0; i < rows; i++) {
      const next = lines[i];
      if (next === this.painted[i]) continue;
      // \x1b[0m before erasing so the rest of the line is cleared with the default background.
      out.push(`\x1b[${i + 1};1H${next ?? ''}\x1b[0m\x1b[K`);
    }
    this.painted = lines;
    if (out.length === 0) return;
    const data = out.join('');
    this.bytes += Buffer.byteLength(data);
    this.write(data);
  }

  /** Forget the screen (after a resize or clear): the next frame is painted in full. */
  reset(): void {
    this.painted = [];
    const data = '\x1b[0m\x1b[H\x1b[2J';
    this.bytes += data.length;
    this.write(data);
  }
}
