// The event stream of `live` (docs/live.md): one EventSource per view.
//
// A view loads its state once over HTTP, then changes ONLY from these
// events: no polling while live. A `hello` (fresh connection), `reset` or
// `resync` reloads over HTTP; events that arrive during a load are queued
// and applied after it, and every merge is idempotent, so applying one the
// snapshot already holds is harmless.
//
// A view gives the Feed: events (the types it listens to), loaded, load(),
// apply(item) -> the parts to redraw, render(parts or null for all) and
// showError(err).
import { cfg } from './config.js';
import { applied, epochNow, noteLoaded, noteReceived } from './hooks.js';
import { dataArrived, setConnection, tickAge } from './topbar.js';

const FALLBACK_LOAD_MS = 3000;   // no `hello` by then: show the HTTP state anyway
const OFFLINE_AFTER_MS = 10000;  // failing this long: "offline" rather than "reconnecting"

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// After the DOM shows events: the test hook, and the top bar's age.
function shown(items) {
  if (!items.length) return;
  applied(items);
  dataArrived();
  tickAge();
}

export class Feed {
  constructor(path, target) {
    this.path = path;
    this.view = target;
    this.lastId = '';       // the last event id seen, to resume after a closed stream
    this.queue = [];        // events that arrived while a load was running
    this.loading = false;
    this.pending = null;    // a load asked for while one runs
    this.retryMs = 1000;
    this.closed = false;
  }

  start() {
    this.open();
    // Without `live` the board still shows the state over HTTP (and says offline).
    this.fallback = setTimeout(() => {
      if (!this.view.loaded && !this.loading) this.reload({ type: 'fallback' });
    }, FALLBACK_LOAD_MS);
  }

  open() {
    const url = new URL(this.path, cfg.live);
    if (this.lastId) url.searchParams.set('last_event_id', this.lastId);
    const es = this.es = new EventSource(url);
    es.onopen = () => { this.retryMs = 1000; this.failingSince = null; setConnection('live'); };
    es.onerror = () => {
      if (this.closed) return;
      this.failingSince = this.failingSince || Date.now();
      if (es.readyState === EventSource.CLOSED) {
        // The server refused (or the browser gave up): retry ourselves,
        // resuming after the last event seen.
        setConnection('offline');
        clearTimeout(this.reopenTimer);
        this.reopenTimer = setTimeout(() => { setConnection('reconnecting'); this.open(); }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 30000);
      } else {
        // EventSource retries by itself, with Last-Event-ID; a stream that
        // has not come back for a while is called offline (still retried).
        setConnection(Date.now() - this.failingSince > OFFLINE_AFTER_MS ? 'offline' : 'reconnecting');
      }
    };
    for (const type of this.view.events) es.addEventListener(type, (e) => this.receive(type, e));
  }

  close() {
    this.closed = true;
    clearTimeout(this.fallback);
    clearTimeout(this.reopenTimer);
    if (this.es) this.es.close();
  }

  reopenIfClosed() {
    if (!this.closed && this.es && this.es.readyState === EventSource.CLOSED) {
      clearTimeout(this.reopenTimer);
      setConnection('reconnecting');
      this.open();
    }
  }

  receive(type, e) {
    if (this.closed) return;
    const receivedAt = epochNow();
    let data;
    try { data = JSON.parse(e.data); } catch (err) { console.warn(`bad ${type} event`, e.data); return; }
    if (e.lastEventId) this.lastId = e.lastEventId;
    noteReceived(e.lastEventId, receivedAt);
    const item = { type, id: e.lastEventId, data, receivedAt };
    if (type === 'hello' || type === 'reset' || type === 'resync') { this.reload(item); return; }
    if (!this.view.loaded && !this.loading) this.reload({ type: 'fallback' });   // nothing to apply it to yet
    if (this.loading) { this.queue.push(item); return; }
    const parts = this.view.apply(item);
    this.view.render(parts);
    shown([item]);
  }

  // Loads the view's state over HTTP, then applies what arrived meanwhile.
  async reload(cause) {
    this.pending = cause;
    if (this.loading) return;
    this.loading = true;
    try {
      await this.loadLoop();
    } finally {
      this.loading = false;     // even after a bug: the next hello or reset can load again
    }
  }

  async loadLoop() {
    let backoff = 1000;
    while (this.pending && !this.closed) {
      const why = this.pending;
      this.pending = null;
      this.queue = [];      // what came before this load is in its snapshot
      try {
        await this.view.load();
      } catch (err) {
        if (this.closed) break;
        this.view.showError(err);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 15000);
        this.pending = this.pending || why;
        continue;
      }
      if (this.closed) break;
      const queued = this.queue;
      this.queue = [];
      for (const item of queued) this.view.apply(item);
      this.view.loaded = true;
      this.view.render(null);   // everything
      noteLoaded();
      shown([why, ...queued].filter((i) => i.type !== 'fallback'));
      dataArrived();            // the snapshot is data too, even with no event to count
    }
  }
}
