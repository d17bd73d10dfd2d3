// A race's results once it is interim or final: placings, the flags
// (photo finish, inquiry, protest) and the dividends.
import { $, esc, statusBadge } from './dom.js';

// Draws #results-body under root from a race_results row (or null).
export function renderResults(root, res, raceStatus) {
  const body = $('#results-body', root);
  if (!res || !res.results_available && !(res.results_data || []).length) {
    body.innerHTML = `<p class="muted">${['interim', 'final'].includes(raceStatus) ? 'Waiting for results…' : 'No results yet.'}</p>`;
    return;
  }
  const placings = (res.results_data || []).slice().sort((a, b) => a.position - b.position);
  // Each pool appears once per status: show the final dividends once there are any.
  const divs = res.dividends_data || [];
  const finals = divs.filter((d) => /final/i.test(d.status || ''));
  const shown = finals.length ? finals : divs;
  const flags = [res.photo_finish && 'photo finish', res.stewards_inquiry && 'stewards inquiry',
    res.protest_lodged && 'protest'].filter(Boolean);
  body.innerHTML = `
    <p>${statusBadge(res.result_status)} ${flags.map((f) => `<span class="badge flag">${esc(f)}</span>`).join(' ')}</p>
    <ol class="placings">${placings.map((p) => `<li data-position="${esc(p.position)}" data-entrant-id="${esc(p.entrant_id)}">
      <span class="pos pos-${esc(p.position)}">${esc(p.position)}</span> #${esc(p.runner_number)} ${esc(p.name)}
      <span class="muted">${esc(p.positional_margin || '')}</span></li>`).join('')}</ol>
    ${shown.length ? `<table class="dividends"><caption class="sr-only">Dividends</caption>
      <thead><tr><th scope="col">Pool</th><th scope="col">Runners</th><th scope="col" class="num">Dividend</th></tr></thead>
      <tbody>${shown.map((d) => `<tr><td>${esc(String(d.product_name || '').replace(/^Pool /, ''))}</td>
        <td>${esc(d.description || (d.positions || []).map((x) => x.runner_number).join('-'))}</td>
        <td class="num">$${esc(Number(d.dividend).toFixed(2))}</td></tr>`).join('')}</tbody></table>` : ''}`;
}
