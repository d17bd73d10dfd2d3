// The HTTP API (PostgREST, or the gateway in front of it): every request
// the board makes is here, so the PostgREST grammar (eq., in.(), select=,
// order=, limit and offset) stays in one file and views ask for data by name.
import { cfg } from './config.js';

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

// A signed-in user's token (from an identity provider, or `make token`),
// handed to the page as #token=<jwt> and kept for the tab's session only.
const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) {
  sessionStorage.setItem('raceday.token', fromHash);
  history.replaceState(null, '', location.pathname + location.search);
}
export const signedIn = () => Boolean(sessionStorage.getItem('raceday.token'));

async function api(path) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem('raceday.token');
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(cfg.api + path, { headers, cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, `the API at ${cfg.api} cannot be reached`);
  }
  if (!res.ok) {
    let message = res.statusText;
    try { message = (await res.json()).message || message; } catch (_) { /* not JSON */ }
    throw new ApiError(res.status, message);
  }
  return res.json();
}

// The API answers at most 1000 rows (db-max-rows): page until a short page.
async function apiAll(path, page = 1000) {
  const rows = [];
  for (let offset = 0; ; offset += page) {
    const got = await api(`${path}&limit=${page}&offset=${offset}`);
    rows.push(...got);
    if (got.length < page) return rows;
  }
}

const TIMELINE_COLUMNS = 'id,entrant_id,time_interval,incremental_win_amount,incremental_place_amount,' +
  'win_pool_amount,place_pool_amount,event_timestamp';

// The signed-in user's indicator ranges (rows of api.alert_configs): the
// token says who the user is.
export const alertConfigs = () => api('rpc/alert_configs');

export const upcomingRaces = ({ windowMinutes, lookbackMinutes, maxRaces }) =>
  api(`rpc/upcoming_races?window_minutes=${windowMinutes}&lookback_minutes=${lookbackMinutes}&max_races=${maxRaces}`);

// The placings of several races, for the upcoming list's Result column.
export const placingsOf = (raceIds) =>
  api(`race_results?race_id=in.(${raceIds.join(',')})&select=race_id,results_data,result_status`);

// Everything the race view shows, fetched at once. PostgREST answers an
// unknown race with no rows: that is a 404 here.
export async function raceSnapshot(id) {
  const [races, entrants, timeline, pools, results, alerts, odds] = await Promise.all([
    api(`races?race_id=eq.${id}`),
    api(`entrants?race_id=eq.${id}&order=runner_number`),
    apiAll(`money_flow_timeline?race_id=eq.${id}&select=${TIMELINE_COLUMNS}&order=time_interval.desc,entrant_id`),
    api(`race_pools?race_id=eq.${id}`),
    api(`race_results?race_id=eq.${id}`),
    // All of them (a few hundred at most), so a plunge is never paged out.
    apiAll(`race_alerts?race_id=eq.${id}&order=id.desc`),
    apiAll(`odds_history?race_id=eq.${id}&odds_type=eq.fixed_win&select=id,entrant_id,odds_type,odds,event_timestamp&order=event_timestamp,id`),
  ]);
  if (!races.length) throw new ApiError(404, `race ${id} not found`);
  return { race: races[0], entrants, timeline, pools: pools[0] || null, results: results[0] || null, alerts, odds };
}
