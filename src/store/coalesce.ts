import type { StoreApi } from 'zustand/vanilla';
import type { Actions, AppState, Store } from './store.js';

// The UI's view of the store. Samples of different sources land a few milliseconds apart after
// each tick; drawing a frame for each would cost a full Ink render every time. Data changes are
// therefore announced to the components once per short window, while the presenter's own actions
// (keys, overlays, quitting, a mode switch) are announced at once.

export const COALESCE_MS = 250;

function urgent(next: AppState, prev: AppState): boolean {
  return next.ui !== prev.ui || next.quitRequested !== prev.quitRequested || next.mode !== prev.mode;
}

export function coalescedView(store: Store, delayMs = COALESCE_MS): Store {
  const listeners = new Set<(s: AppState & Actions, p: AppState & Actions) => void>();
  let timer: NodeJS.Timeout | undefined;
  let announced = store.getState();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const prev = announced;
    announced = store.getState();
    if (announced === prev) return;
    for (const l of listeners) l(announced, prev);
  };
  store.subscribe((next, prev) => {
    if (urgent(next, prev)) flush();
    else if (!timer) timer = setTimeout(flush, delayMs);
  });
  const view: StoreApi<AppState & Actions> = {
    getState: () => announced,
    getInitialState: () => store.getInitialState(),
    setState: store.setState,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return view;
}
