// Drives the API through the client library a client written against
// PostgREST's documentation uses (@supabase/postgrest-js, pinned by
// package-lock.json), and prints what each call answered as one JSON object:
//   node conformance.cjs <base URL> '<JSON of the ids to ask about>'
// tests/test_client_conformance.py runs it and judges every answer against
// the database. The library is found through NODE_PATH (the toolchain's
// cached node_modules); a few protocol details the library hides (headers,
// HEAD, Range) are read with fetch.
'use strict';

const { PostgrestClient } = require('@supabase/postgrest-js');

const [base, idsJson] = process.argv.slice(2);
const ids = JSON.parse(idsJson);
const db = new PostgrestClient(base);
// Alert settings belong to a signed-in user: the token's subject.
const signedIn = new PostgrestClient(base, { headers: { Authorization: `Bearer ${ids.token}` } });
const R = ids.race_id;
const M = ids.meeting_id;
const U = ids.user_id;

const calls = {
  // -- every call the README documents ----------------------------------------
  meetings: () => db.from('meetings').select('*').order('first_race_time').order('meeting_id'),
  races_of_meeting: () => db.from('races').select('*').eq('meeting_id', M).order('race_number'),
  entrants: () => db.from('entrants').select('*').eq('race_id', R).order('runner_number'),
  money_flow: () => db.from('money_flow_timeline').select('*').eq('race_id', R)
    .in('entrant_id', ids.entrant_ids.slice(0, 2)).order('entrant_id').order('time_interval', { ascending: false }),
  money_flow_new: () => db.from('money_flow_timeline').select('id,created_at').eq('race_id', R)
    .gt('created_at', ids.created_at).order('id'),
  odds_history: () => db.from('odds_history').select('*').eq('race_id', R).order('id').limit(20),
  race_pools: () => db.from('race_pools').select('*').eq('race_id', R),
  race_results: () => db.from('race_results').select('*').eq('race_id', R),
  pipeline_status: () => db.from('pipeline_status').select('*').eq('race_id', R),
  upcoming_races: () => db.rpc('upcoming_races', { window_minutes: 1440, lookback_minutes: 240, max_races: 50 },
    { get: true }),
  next_scheduled_race: () => db.rpc('next_scheduled_race', {}, { get: true }),
  race_navigation: () => db.rpc('race_navigation', { race_id: R }, { get: true }),
  alert_configs_of_user: () => signedIn.rpc('alert_configs', {}, { get: true }),
  anonymous_save_alert_configs: () => db.rpc('save_alert_configs', {
    indicators: [{ display_order: 6, percentage_range_min: 60, color: '#445566' }], audible_alerts_enabled: false }),
  save_alert_configs: () => signedIn.rpc('save_alert_configs', {
    indicators: [{ display_order: 6, percentage_range_min: 60, color: '#112233' }],
    audible_alerts_enabled: false }),
  saved_alert_configs: () => signedIn.from('alert_configs').select('*').eq('user_id', U).order('display_order'),
  reset_alert_configs: () => signedIn.rpc('reset_alert_configs', {}),
  race_alerts: () => db.from('race_alerts').select('*').eq('race_id', R).order('id'),
  race_alerts_for: () => signedIn.rpc('race_alerts_for', { race_id: R }, { get: true }),

  // -- docs/client.md: each request of the web client, as written there ----------
  client_meetings_of_day: () => db.from('meetings').select('*').eq('date', ids.date)
    .order('first_race_time').order('meeting_id'),
  client_races_of_meeting: () => db.from('races')
    .select('race_id,name,race_number,start_time,status,distance,track_condition,weather,field_size,entrant_count')
    .eq('meeting_id', M).order('race_number'),
  client_race_header: () => db.from('races').select('*,meetings(weather,track_direction,track_surface,rail_position)')
    .eq('race_id', R).single(),
  client_entrants: () => db.from('entrants').select('*').eq('race_id', R).order('runner_number'),
  client_timeline: () => db.from('money_flow_timeline').select('*').eq('race_id', R)
    .in('entrant_id', ids.entrant_ids.slice(0, 2)).order('id'),
  client_timeline_since: () => db.from('money_flow_timeline').select('*').eq('race_id', R)
    .gt('id', ids.last_id).order('id'),
  client_pools: () => db.from('race_pools').select('*').eq('race_id', R).maybeSingle(),
  client_results: () => db.from('race_results').select('*').eq('race_id', R).maybeSingle(),
  client_upcoming: () => db.rpc('upcoming_races', { window_minutes: 120, lookback_minutes: 5 }, { get: true }),
  client_next_scheduled: () => db.rpc('next_scheduled_race', {}, { get: true }).maybeSingle(),
  client_navigation: () => db.rpc('race_navigation', { race_id: R }, { get: true }).single(),
  client_alerts_read: () => signedIn.rpc('alert_configs', {}, { get: true }),
  client_alerts_anonymous: () => db.rpc('alert_configs', {}, { get: true }),
  client_health: () => db.rpc('health', {}, { get: true }),

  // -- the grammar -------------------------------------------------------------
  last_five_odds: () => db.from('entrants')
    .select('*,odds_history(odds,odds_type,event_timestamp)').eq('race_id', R)
    .order('event_timestamp', { referencedTable: 'odds_history', ascending: false })
    .limit(5, { referencedTable: 'odds_history' }).order('runner_number'),
  or_nested_not: () => db.from('races').select('race_id,status,race_number')
    .or('status.eq.open,and(race_number.gt.3,status.not.eq.closed)').order('race_id'),
  or_not_and: () => db.from('races').select('race_id')
    .or('race_number.eq.1,not.and(race_number.lte.4,meeting_id.eq.' + M + ')').order('race_id'),
  and_in_quoted: () => db.from('entrants').select('entrant_id')
    .or(`and(race_id.eq.${R},runner_number.in.(1,2,3)),name.eq."${ids.quoted_name}"`).order('entrant_id'),
  embedded_or: () => db.from('races').select('race_id,entrants(runner_number)').eq('race_id', R)
    .or('runner_number.lt.3,runner_number.gt.8', { referencedTable: 'entrants' })
    .order('runner_number', { referencedTable: 'entrants' }),
  two_levels: () => db.from('meetings').select('meeting_id,races(race_number,entrants(runner_number))')
    .eq('meeting_id', M).order('race_number', { referencedTable: 'races' })
    .limit(2, { referencedTable: 'races' })
    .order('runner_number', { referencedTable: 'races.entrants', ascending: false })
    .limit(3, { referencedTable: 'races.entrants' }),
  embedded_range: () => db.from('races').select('race_id,entrants(runner_number)').eq('race_id', R)
    .order('runner_number', { referencedTable: 'entrants' }).range(1, 3, { referencedTable: 'entrants' }),
  embedded_filter: () => db.from('races').select('race_id,entrants(runner_number)').eq('race_id', R)
    .gte('entrants.runner_number', 4).order('runner_number', { referencedTable: 'entrants' }),
  many_to_one: () => db.from('entrants').select('entrant_id,races(race_id,name,meetings(meeting_name))')
    .eq('race_id', R).order('entrant_id'),
  one_to_one: () => db.from('races').select('race_id,race_pools(win_pool_total),race_results(result_status)')
    .eq('meeting_id', M).order('race_id'),
  inner_join: () => db.from('races').select('race_id,entrants!inner(runner_number)')
    .eq('entrants.runner_number', 1).order('race_id'),
  embed_not_null: () => db.from('races').select('race_id,entrants(runner_number)')
    .not('entrants', 'is', null).order('race_id').limit(1000, { referencedTable: 'entrants' }),
  spread: () => db.from('races').select('race_id,...meetings(meeting_name,country)').eq('meeting_id', M)
    .order('race_id'),
  aliases: () => db.from('races').select('id:race_id,runners:entrants(number:runner_number)').eq('race_id', R)
    .order('runner_number', { referencedTable: 'runners' }),
  hint: () => db.from('entrants').select('entrant_id,race:races!entrants_race_id_fkey(race_id)')
    .eq('race_id', R).order('entrant_id'),
  computed_money_flow: () => db.from('entrants').select('entrant_id,money_flow_timeline(time_interval)')
    .eq('race_id', R).order('entrant_id').order('time_interval', { referencedTable: 'money_flow_timeline' }),
  no_relationship: () => db.from('entrants').select('*,nonesuch(*)'),
  ambiguous: () => db.from('entrants').select('entrant_id,race_legs(*)').eq('race_id', R),
  disambiguated: () => db.from('entrants').select('entrant_id,race_legs!this_race(this_race)').eq('race_id', R)
    .order('entrant_id'),
  not_embedded: () => db.from('races').select('race_id').order('runner_number', { referencedTable: 'entrants' }),
  count_exact: () => db.from('entrants').select('entrant_id', { count: 'exact' }).order('entrant_id').limit(3),
  count_planned: () => db.from('entrants').select('entrant_id', { count: 'planned' }).limit(3),
  count_estimated: () => db.from('entrants').select('entrant_id', { count: 'estimated' }).limit(3),
  head_count: () => db.from('entrants').select('*', { count: 'exact', head: true }).eq('race_id', R),
  range: () => db.from('entrants').select('entrant_id').order('entrant_id').range(2, 4),
  range_header: () => db.from('entrants').select('entrant_id', { count: 'exact' }).order('entrant_id')
    .setHeader('Range-Unit', 'items').setHeader('Range', '2-4'),
  csv: () => db.from('races').select('race_id,race_number,name').eq('meeting_id', M).order('race_number').csv(),
  single: () => db.from('races').select('race_id,name').eq('race_id', R).single(),
  single_of_many: () => db.from('races').select('race_id').single(),
  maybe_single_of_none: () => db.from('races').select('race_id').eq('race_id', ids.no_race).maybeSingle(),
};

// What the library does not show: status lines, headers, HEAD's empty body.
async function raw(path, headers, method = 'GET') {
  const res = await fetch(base + path, { method, headers });
  const body = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers), body };
}

const raws = {
  raw_range_206: () => raw('/entrants?select=entrant_id&order=entrant_id',
    { 'Range-Unit': 'items', Range: '0-1', Prefer: 'count=exact' }),
  raw_range_open: () => raw('/entrants?select=entrant_id&order=entrant_id', { Range: '3-' }),
  raw_range_and_limit: () => raw('/entrants?select=entrant_id&order=entrant_id&limit=3', { Range: '1-10' }),
  raw_range_backwards: () => raw('/entrants', { Range: '4-2' }),
  raw_offset_past_end: () => raw('/entrants?offset=100000', { Prefer: 'count=exact' }),
  raw_head: () => raw(`/entrants?race_id=eq.${R}`, { Prefer: 'count=exact' }, 'HEAD'),
  raw_csv: () => raw(`/races?select=race_id,name&race_id=eq.${R}`, { Accept: 'text/csv' }),
  raw_unacceptable: () => raw('/races', { Accept: 'application/xml' }),
};

(async () => {
  const out = {};
  for (const [name, call] of Object.entries(calls)) {
    try {
      const { data, error, count, status } = await call();
      out[name] = { data, error, count, status };
    } catch (e) {
      out[name] = { thrown: String(e) };
    }
  }
  for (const [name, call] of Object.entries(raws)) {
    out[name] = await call();
  }
  process.stdout.write(JSON.stringify(out));
})();
