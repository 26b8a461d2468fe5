// Ink measures and tokenizes every line of every frame from scratch: its caches live on the
// Output object of one frame. A dashboard repaints mostly the same lines every second, so we let
// all frames share one cache (bounded, cleared when it grows large). Measured on the 12-service
// frame at 160×45: CPU per frame fell from ~30 ms to the figure in the README's Performance table.
// If Ink's internals ever change shape, this does nothing and Ink works as shipped.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const LIMIT = 4000;

interface Caches {
  widths: Map<string, number>;
  blockWidths: Map<string, number>;
  styledChars: Map<string, unknown>;
}

export async function shareInkOutputCaches(): Promise<boolean> {
  try {
    const require = createRequire(import.meta.url);
    const inkEntry = require.resolve('ink');
    const url = pathToFileURL(join(dirname(inkEntry), 'output.js')).href;
    const { default: Output } = (await import(url)) as { default: { prototype: { get(): unknown } } & (new (o: { width: number; height: number }) => { caches?: Caches }) };
    const probe = new Output({ width: 1, height: 1 });
    const shared = probe.caches;
    if (!shared || !(shared.widths instanceof Map) || !(shared.styledChars instanceof Map) || !(shared.blockWidths instanceof Map)) return false;
    const original = Output.prototype.get;
    if ((original as { k2mcShared?: boolean }).k2mcShared) return true;
    const get = function (this: { caches: Caches }) {
      if (shared.styledChars.size > LIMIT || shared.widths.size > LIMIT * 4 || shared.blockWidths.size > LIMIT) {
        shared.styledChars.clear();
        shared.widths.clear();
        shared.blockWidths.clear();
      }
      this.caches = shared;
      return original.call(this);
    };
    (get as { k2mcShared?: boolean }).k2mcShared = true;
    Output.prototype.get = get;
    return true;
  } catch {
    return false;
  }
}

