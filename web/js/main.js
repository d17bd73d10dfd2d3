// raceday race board: plain JavaScript modules, no framework, no build step
// (index.html loads this file with <script type="module">; the browser
// fetches the rest by their imports, from live like any file of web/).
//
// Start-up (config, indicator colours), routing between the two views and
// the one-second clock. Each view loads its state over HTTP (the PostgREST
// API named by /config.json), then changes only from live's event stream:
// see stream.js. window.raceday, the test and benchmark hook, is hooks.js.
import { loadConfig } from './config.js';
import { $, esc } from './dom.js';
import { countdown } from './format.js';
import { noteView } from './hooks.js';
import { loadIndicators } from './indicators.js';
import { RaceView } from './race.js';
import { Feed } from './stream.js';
import { forgetData, setConnection, tickAge } from './topbar.js';
import { UpcomingView } from './upcoming.js';

let view = null;          // the view on screen: UpcomingView or RaceView

function route() {
  if (view) view.feed.close();
  const m = location.hash.match(/^#\/race\/([0-9a-fA-F-]{36})$/);
  view = m ? new RaceView(m[1].toLowerCase()) : new UpcomingView();
  noteView(m ? 'race' : 'upcoming');
  forgetData();
  setConnection('reconnecting');
  $('#app').replaceChildren(view.root);
  if (m) $('#nav-upcoming').removeAttribute('aria-current');
  else $('#nav-upcoming').setAttribute('aria-current', 'page');
  document.title = 'raceday board';
  view.feed = new Feed(m ? `races/${view.raceId}` : 'upcoming', view);
  view.feed.start();
}

// Every second: the countdowns (wherever they are), the data's age, and
// whatever the view redraws with the clock.
function tick() {
  for (const el of document.querySelectorAll('[data-countdown]')) {
    const cd = countdown(el.dataset.countdown, el.dataset.raceStatus);
    if (el.textContent !== cd.text) el.textContent = cd.text;
    el.classList.toggle('jumped', cd.cls === 'jumped');
    el.classList.toggle('imminent', cd.cls === 'imminent');
    el.classList.toggle('soon', cd.cls === 'soon');
  }
  tickAge();
  if (view && view.tick) view.tick();
}

async function main() {
  try {
    await loadConfig();
  } catch (err) {
    $('#app').innerHTML = `<p class="error">The board cannot start: ${esc(err.message)}.</p>`;
    return;
  }
  await loadIndicators();
  window.addEventListener('hashchange', route);
  window.addEventListener('offline', () => setConnection('offline'));
  window.addEventListener('online', () => view && view.feed.reopenIfClosed());
  route();
  setInterval(tick, 1000);
}

main();
