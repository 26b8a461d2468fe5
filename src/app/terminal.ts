import { EventEmitter } from 'node:events';
import React from 'react';
import { render, type Instance } from 'ink';
import type { Store } from '../store/store.js';
import { StoreProvider } from '../ui/store-context.js';
import { coalescedView } from '../store/coalesce.js';
import { App } from '../ui/App.js';
import { FrameWriter } from './frame-writer.js';
import { installFastInkOutput } from './ink-fast-output.js';

installFastInkOutput();

// Owns the terminal: the alternate screen, the cursor, resizes, and how frames reach the screen.
// Ink renders into a sink in debug mode (one complete frame per render, and it behaves the same
// whether or not CI is set); the FrameWriter paints only the lines that changed.

const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const LEAVE = '\x1b[0m\x1b[?25h\x1b[?1049l';

class FrameSink extends EventEmitter {
  readonly isTTY = true;
  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly writer: FrameWriter,
  ) {
    super();
  }
  get columns(): number {
    return this.out.columns || 80;
  }
  get rows(): number {
    return this.out.rows || 24;
  }
  write(chunk: string | Uint8Array): boolean {
    this.writer.frame(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }
}

export interface TerminalSession {
  writer: FrameWriter;
  /** Called once if the terminal stops accepting output (EIO, EPIPE). */
  onLost(fn: () => void): void;
  close(): void;
}

export function openTerminal(store: Store, out: NodeJS.WriteStream = process.stdout, input: NodeJS.ReadStream = process.stdin, coalesceMs?: number): TerminalSession {
  let lost: (() => void) | undefined;
  let gone = false;
  const onError = () => {
    gone = true;
    lost?.();
  };
  out.on('error', onError);
  // Nothing is drawn once closed: Ink's last frame after unmount would otherwise land, by absolute
  // positions, on the normal screen, over what k2mc prints on the way out.
  const writer = new FrameWriter((data) => {
    if (!gone && !closed) out.write(data);
  });
  const sink = new FrameSink(out, writer);
  writer.columns = sink.columns;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const onResize = () => {
    clearTimeout(timer);
    // Terminals send bursts of resizes while a window is dragged; repaint once it settles.
    timer = setTimeout(() => {
      if (closed) return;
      writer.reset();
      writer.columns = sink.columns;
      store.getState().resize(sink.columns, sink.rows);
    }, 30);
  };

  out.write(ENTER);
  store.getState().resize(sink.columns, sink.rows);
  const view = coalescedView(store, coalesceMs);
  const instance: Instance = render(React.createElement(StoreProvider, { store: view, children: React.createElement(App) }), {
    stdout: sink as unknown as NodeJS.WriteStream,
    stdin: input,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  out.on('resize', onResize);

  return {
    writer,
    onLost(fn) {
      lost = fn;
    },
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      out.off('resize', onResize);
      instance.unmount();
      if (!gone) out.write(LEAVE);
      out.off('error', onError);
    },
  };
}
