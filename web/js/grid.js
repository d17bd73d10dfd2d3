// The runners and money-flow grid: one row per runner (fixed and tote odds,
// win and place money, tags), then one column per bucket, each cell the
// runner's win money in the bucket coloured by its share of the bucket's
// money. data-entrant-id, data-bucket, data-amount (cents) and data-share
// are test hooks.
import { $, esc } from './dom.js';
import { compactDollars, dollars, num, odds, ordinal } from './format.js';
import { colourFor, legendHtml } from './indicators.js';
import { bucketKey, bucketLabel, nowBucket } from './timeline.js';

// Draws #grid and #legend under root; returns the bucket marked as now.
export function renderGrid(root, { race, runners: byId, timeline, plunged, results, odds: moves }) {
  const buckets = timeline.buckets();
  const runners = [...byId.values()].sort((a, b) => a.runner_number - b.runner_number);
  // Each runner's share of a bucket's money: its increment over the sum
  // of the bucket's positive increments (DOMAIN.md §7).
  const { totals, latest } = timeline.totals();
  const now = nowBucket(race);
  const placing = new Map((results?.results_data || []).map((p) => [p.entrant_id, p.position]));

  const colClass = (b) => [b === 0 ? 'jump' : '', b === latest ? 'latest' : '', b === now ? 'now' : '']
    .filter(Boolean).join(' ');
  const head = `<caption class="sr-only">Runners of the race with odds and money, then the win money
    each runner took in each bucket (minutes to the start), coloured by its share of the bucket.</caption>
    <thead><tr>
      <th scope="col" rowspan="2" class="sticky c-no">#</th>
      <th scope="col" rowspan="2" class="sticky c-name">Runner</th>
      <th scope="colgroup" colspan="2">Fixed</th><th scope="colgroup" colspan="2">Tote</th>
      <th scope="colgroup" colspan="2">Money</th>
      <th scope="colgroup" colspan="${buckets.length}" class="flow-head">Win money per bucket ($, minutes to start)</th>
    </tr><tr>
      <th scope="col">Win</th><th scope="col">Place</th><th scope="col">Win</th><th scope="col">Place</th>
      <th scope="col">Win</th><th scope="col">Place</th>
      ${buckets.map((b) => `<th scope="col" class="bucket ${colClass(b)}" data-bucket="${bucketKey(b)}">${bucketLabel(b)}</th>`).join('')}
    </tr></thead>`;
  const rows = runners.map((e) => {
    const cls = [e.is_scratched ? 'scratched' : '', plunged.has(e.entrant_id) ? 'plunge' : '',
      e.favourite ? 'favourite' : ''].filter(Boolean).join(' ');
    const pos = placing.get(e.entrant_id);
    const cells = buckets.map((b) => {
      const k = bucketKey(b);
      const row = timeline.get(e.entrant_id, k);
      if (!row) return `<td class="cell ${colClass(b)}" data-bucket="${k}"></td>`;
      const inc = Number(row.incremental_win_amount) || 0;
      const total = totals.get(k);
      const share = inc > 0 && total > 0 ? (inc / total) * 100 : null;
      const colour = e.is_scratched ? null : colourFor(share);
      const title = `${bucketLabel(b)} min: ${inc < 0 ? '\u2212' : '+'}$${(Math.abs(inc) / 100).toFixed(2)}` +
        (share !== null ? `, ${share.toFixed(1)} % of the bucket` : '');
      return `<td class="cell ${colClass(b)}${inc < 0 ? ' negative' : ''}${inc === 0 ? ' zero' : ''}" data-bucket="${k}"
        data-amount="${inc}" data-share="${share === null ? '' : Math.round(share * 1e6) / 1e6}" title="${esc(title)}"
        ${colour ? `style="background:${esc(colour)}"` : ''}>${inc === 0 ? '\u00b7' : compactDollars(inc)}</td>`;
    }).join('');
    return `<tr data-entrant-id="${esc(e.entrant_id)}" data-runner-number="${esc(e.runner_number)}"
        data-scratched="${e.is_scratched ? 'true' : 'false'}" class="${cls}">
      <td class="sticky c-no num">${esc(e.runner_number)}</td>
      <th scope="row" class="sticky c-name"><span class="name" data-field="name">${esc(e.name)}</span>
        <span class="sub"><span class="jockey" data-field="jockey">${esc(e.jockey || '')}</span>${
          e.is_scratched ? '<span class="tag">scratched</span>' : ''}${
          plunged.has(e.entrant_id) ? '<span class="tag plunge-tag">plunge</span>' : ''}${
          pos ? `<span class="tag pos-${pos}">${ordinal(pos)}</span>` : ''}</span></th>
      <td class="num" data-field="fixed_win_odds">${odds(e.fixed_win_odds)}${trend(moves.get(e.entrant_id), e)}</td>
      <td class="num" data-field="fixed_place_odds">${odds(e.fixed_place_odds)}</td>
      <td class="num" data-field="pool_win_odds">${odds(e.pool_win_odds)}</td>
      <td class="num" data-field="pool_place_odds">${odds(e.pool_place_odds)}</td>
      <td class="num money" data-field="win_pool_amount" data-cents="${e.win_pool_amount ?? ''}">${dollars(e.win_pool_amount)}</td>
      <td class="num money" data-field="place_pool_amount" data-cents="${e.place_pool_amount ?? ''}">${dollars(e.place_pool_amount)}</td>
      ${cells}</tr>`;
  }).join('');
  $('#grid', root).innerHTML = `${head}<tbody>${rows ||
    `<tr><td colspan="${8 + buckets.length}" class="muted">No runners yet.</td></tr>`}</tbody>`;
  $('#legend', root).innerHTML = legendHtml();
  return now;
}

// Fixed win odds against the first price seen (moves: the runner's fixed
// win odds, oldest first): shortening is the insider's sign.
function trend(moves, e) {
  const first = moves && moves.length ? num(moves[0].odds) : null;
  const cur = num(e.fixed_win_odds);
  if (!first || !cur || Math.abs(cur - first) < 0.01) return '';
  const pct = Math.round(((cur - first) / first) * 100);
  return cur < first
    ? `<span class="trend in" title="from ${first.toFixed(2)}">\u25bc${-pct}%</span>`
    : `<span class="trend out" title="from ${first.toFixed(2)}">\u25b2${pct}%</span>`;
}
