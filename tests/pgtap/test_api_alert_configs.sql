-- Alert indicators: defaults for a new user, save with validation, reset;
-- each user is the subject of their verified token (request.jwt.claims, as
-- PostgREST or the gateway sets it), and sees and changes only their own.
BEGIN;
SELECT plan(30);

-- Each request's verified token claims, as the API sets them (request.jwt.claims).

-- Whose saved rows web_user sees through the api view (pgTAP itself is out of its reach).
CREATE FUNCTION pg_temp.seen_by_web_user() RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    seen text[];
BEGIN
    SET LOCAL ROLE web_user;
    SELECT array_agg(DISTINCT a.user_id ORDER BY a.user_id) INTO seen FROM api.alert_configs a;
    RESET ROLE;
    RETURN seen;
END
$$;

SET LOCAL request.jwt.claims = '{"sub": "new-user", "role": "web_user"}';
SELECT results_eq($$SELECT display_order::int, percentage_range_min, percentage_range_max, color, is_default, enabled,
                           audible_alerts_enabled FROM api.alert_configs()$$,
    $$VALUES (1, 5.00::numeric(5,2), 10.00::numeric(5,2), '#E5E7EB'::text, true, true, true),
             (2, 10, 15, '#BFDBFE', true, true, true), (3, 15, 20, '#FEF3C7', true, true, true),
             (4, 20, 25, '#FED7AA', true, true, true), (5, 25, 50, '#FECACA', true, true, true),
             (6, 50, NULL, '#F3E8FF', true, true, true)$$,
    'a user with nothing saved gets the six defaults of DOMAIN.md');
SELECT is((SELECT count(*) FROM raceday.alert_configs), 0::bigint, 'reading defaults stores nothing');
SELECT is((SELECT array_agg(DISTINCT user_id) FROM api.alert_configs()), ARRAY['new-user'],
          'the rows are the token''s subject''s');
SELECT lives_ok($$SET LOCAL ROLE web_user; SELECT * FROM api.alert_configs(); RESET ROLE$$,
                'web_user reads its indicators');

-- web_anon: race data only.
SELECT throws_ok($$SET LOCAL ROLE web_anon; SELECT * FROM api.alert_configs()$$, '42501', NULL,
                 'web_anon cannot read indicators');
SELECT throws_ok($$SET LOCAL ROLE web_anon; SELECT api.save_alert_configs('[{"display_order": 1, "percentage_range_min": 1, "color": "#000000"}]')$$,
                 '42501', NULL, 'web_anon cannot save indicators');
SELECT throws_ok($$SET LOCAL ROLE web_anon; SELECT api.reset_alert_configs()$$, '42501', NULL,
                 'web_anon cannot reset indicators');
SELECT throws_ok($$SET LOCAL ROLE web_anon; SELECT * FROM api.alert_configs$$, '42501', NULL,
                 'web_anon cannot read the view of saved indicators');
SELECT lives_ok($$SET LOCAL ROLE web_anon; SELECT * FROM api.race_alerts_for(gen_random_uuid()); RESET ROLE$$,
                'web_anon reads a race''s alerts');

-- A token without a subject: 403 (42501 for a signed-in role).
SET LOCAL request.jwt.claims = '{"role": "web_user"}';
SELECT throws_ok($$SET LOCAL ROLE web_user; SELECT * FROM api.alert_configs()$$, '42501',
                 'alert settings belong to a signed-in user: the token names none (no sub claim)',
                 'a token without sub reads nothing');

SET LOCAL request.jwt.claims = '{"sub": "alice", "role": "web_user"}';
SELECT lives_ok($$SET LOCAL ROLE web_user;
    SELECT api.save_alert_configs('[{"display_order": 3, "percentage_range_min": 12.5, "percentage_range_max": null,
                                     "color": "#abcdef", "enabled": false}]', false);
    RESET ROLE$$, 'web_user alice saves one indicator');
SELECT results_eq($$SELECT display_order::int, percentage_range_min, percentage_range_max, color, is_default, enabled,
                           audible_alerts_enabled FROM api.alert_configs() WHERE display_order IN (2, 3)$$,
    $$VALUES (2, 10.00::numeric(5,2), 15.00::numeric(5,2), '#BFDBFE'::text, true, true, false),
             (3, 12.50, NULL, '#ABCDEF', false, false, false)$$,
    'the saved one changes (colour upper case), the others keep their defaults; audible applies to all');
SELECT is((SELECT count(*) FROM raceday.alert_configs WHERE user_id = 'alice'), 6::bigint, 'a saving user keeps six rows');
SELECT is((SELECT indicator_id FROM api.alert_configs() WHERE display_order = 3),
          raceday.alert_config_id('alice', 3), 'a saved indicator keeps the id its default had');

SET LOCAL request.jwt.claims = '{"sub": "bob", "role": "web_user"}';
SELECT lives_ok($$SET LOCAL ROLE web_user;
    SELECT api.save_alert_configs('[{"display_order": 1, "percentage_range_min": 2, "color": "#111111"}]');
    RESET ROLE$$, 'web_user bob saves his own');
SELECT is(pg_temp.seen_by_web_user(), ARRAY['bob'], 'bob''s view of saved indicators holds his rows only');
SELECT is((SELECT color FROM api.alert_configs() WHERE display_order = 3), '#FEF3C7',
          'bob''s indicator 3 is still the default: alice''s save is not his');
SELECT throws_ok($$SELECT api.save_alert_configs('[{"display_order": 1, "percentage_range_min": 2, "color": "#111111", "user_id": "alice"}]')$$,
                 '22023', 'indicators[0].user_id must be the signed-in user (bob), not "alice"',
                 'bob cannot save for alice by naming her');
SELECT lives_ok($$SET LOCAL ROLE web_user; SELECT api.reset_alert_configs(); RESET ROLE$$, 'bob resets his');
SELECT is((SELECT count(*) FROM raceday.alert_configs WHERE user_id = 'alice'), 6::bigint,
          'bob''s reset leaves alice''s rows');
SELECT throws_ok($$SET LOCAL ROLE raceday_owner;
    INSERT INTO raceday.alert_configs (indicator_id, user_id, percentage_range_min, color, display_order)
    VALUES (raceday.alert_config_id('alice', 1), 'alice', 1, '#000000', 1)$$,
                 '42501', NULL, 'row-level security binds the owner too: bob''s request cannot write alice''s row');

SET LOCAL request.jwt.claims = '{"sub": "alice", "role": "web_user"}';
SELECT is(pg_temp.seen_by_web_user(), ARRAY['alice'], 'alice sees only her own rows');
SELECT lives_ok($$SELECT api.save_alert_configs('[{"display_order": 1, "percentage_range_min": 1, "color": "#000000"}]')$$,
                'a later save without audible_alerts_enabled');
SELECT results_eq($$SELECT display_order::int, audible_alerts_enabled, color FROM api.alert_configs() WHERE display_order IN (1, 3)$$,
    $$VALUES (1, false, '#000000'::text), (3, false, '#ABCDEF')$$,
    'keeps the earlier saves and the audible setting');

SELECT throws_ok($$SELECT api.save_alert_configs('[{"display_order": 1, "percentage_range_min": -1, "color": "#000000"}]')$$,
                 '22023', 'indicators[0].percentage_range_min must be a number from 0 to 100, not -1', 'min below 0');
SELECT throws_ok($$SELECT api.save_alert_configs('[{"display_order": 1, "percentage_range_min": 10, "percentage_range_max": 10, "color": "#000000"}]')$$,
                 '22023', NULL, 'max not above min');
SELECT throws_ok($$SELECT api.save_alert_configs('[{"display_order": 2, "percentage_range_min": 1, "color": "#000000"},
                                                   {"display_order": 7, "percentage_range_min": 1, "color": "red"}]')$$,
                 '22023', 'indicators[1].display_order must be an integer from 1 to 6, not 7', 'display order out of 1..6');
SELECT throws_ok($$SELECT api.save_alert_configs('[{"display_order": 1, "percentage_range_min": 1, "color": "#123456", "colour": 1}]')$$,
                 '22023', 'indicators[0].colour is not a field of an indicator', 'an unknown field');

SELECT lives_ok($$SET LOCAL ROLE web_user; SELECT api.reset_alert_configs(); RESET ROLE$$, 'alice resets');
SELECT results_eq($$SELECT count(*) FILTER (WHERE is_default AND audible_alerts_enabled), count(*) FROM api.alert_configs()$$,
                  $$VALUES (6::bigint, 6::bigint)$$, 'after a reset the user has the defaults again');

SELECT * FROM finish();
ROLLBACK;
