// window.raceday: the hook tests and benchmarks read (tests/test_board.py,
// bench/live.py). Every write to it is in this file, so what each field
// means is said once. Times are epoch milliseconds on the performance
// clock: finer than Date.now() and steady while the page lives.
//
// lastApplied ({event, id, receivedAt, renderedAt}) is set only after the
// DOM shows the event, so renderedAt - receivedAt is what a person waited.

export const epochNow = () => performance.timeOrigin + performance.now();

const rd = window.raceday = {
  lastEventId: null, lastEventAt: null, eventsApplied: 0, lastApplied: null,
  connection: 'offline', view: null, loadedAt: null,
};

export function noteConnection(state) {
  rd.connection = state;
}

// A new view: nothing of it is loaded yet.
export function noteView(name) {
  rd.view = name;
  rd.loadedAt = null;
}

export function noteReceived(id, receivedAt) {
  rd.lastEventId = id || rd.lastEventId;
  rd.lastEventAt = receivedAt;
}

export function noteLoaded() {
  rd.loadedAt = epochNow();
}

// Bookkeeping after the DOM shows events (received in this order).
export function applied(items) {
  const renderedAt = epochNow();
  const last = items[items.length - 1];
  rd.eventsApplied += items.length;
  rd.lastApplied = { event: last.type, id: last.id, receivedAt: last.receivedAt, renderedAt };
}
