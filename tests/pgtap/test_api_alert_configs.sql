-- Alert indicators: defaults for a new user, save with validation, reset.
BEGIN;
SELECT plan(17);

SELECT results_eq($$SELECT display_order::int, percentage_range_min, percentage_range_max, color, is_default, enabled,
                           audible_alerts_enabled FROM api.alert_configs('new-user')$$,
    $$VALUES (1, 5.00::numeric(5,2), 10.00::numeric(5,2), '#E5E7EB'::text, true, true, true),
             (2, 10, 15, '#BFDBFE', true, true, true), (3, 15, 20, '#FEF3C7', true, true, true),
             (4, 20, 25, '#FED7AA', true, true, true), (5, 25, 50, '#FECACA', true, true, true),
             (6, 50, NULL, '#F3E8FF', true, true, true)$$,
    'a user with nothing saved gets the six defaults of DOMAIN.md');
SELECT is((SELECT count(*) FROM raceday.alert_configs), 0::bigint, 'reading defaults stores nothing');
SELECT lives_ok($$SET LOCAL ROLE web_anon; SELECT * FROM api.alert_configs('new-user'); RESET ROLE$$,
                'web_anon reads a user''s indicators');

SELECT lives_ok($$SET LOCAL ROLE web_anon;
    SELECT api.save_alert_configs('u1', '[{"display_order": 3, "percentage_range_min": 12.5, "percentage_range_max": null,
                                           "color": "#abcdef", "enabled": false}]', false);
    RESET ROLE$$, 'web_anon saves one indicator');
SELECT results_eq($$SELECT display_order::int, percentage_range_min, percentage_range_max, color, is_default, enabled,
                           audible_alerts_enabled FROM api.alert_configs('u1') WHERE display_order IN (2, 3)$$,
    $$VALUES (2, 10.00::numeric(5,2), 15.00::numeric(5,2), '#BFDBFE'::text, true, true, false),
             (3, 12.50, NULL, '#ABCDEF', false, false, false)$$,
    'the saved one changes (colour upper case), the others keep their defaults; audible applies to all');
SELECT is((SELECT count(*) FROM raceday.alert_configs WHERE user_id = 'u1'), 6::bigint, 'a saving user keeps six rows');
SELECT is((SELECT indicator_id FROM api.alert_configs('u1') WHERE display_order = 3),
          raceday.alert_config_id('u1', 3), 'a saved indicator keeps the id its default had');
SELECT lives_ok($$SELECT api.save_alert_configs('u1', '[{"display_order": 1, "percentage_range_min": 1, "color": "#000000"}]')$$,
                'a later save without audible_alerts_enabled');
SELECT results_eq($$SELECT display_order::int, audible_alerts_enabled, color FROM api.alert_configs('u1') WHERE display_order IN (1, 3)$$,
    $$VALUES (1, false, '#000000'::text), (3, false, '#ABCDEF')$$,
    'keeps the earlier saves and the audible setting');

SELECT throws_ok($$SELECT api.save_alert_configs('u1', '[{"display_order": 1, "percentage_range_min": -1, "color": "#000000"}]')$$,
                 '22023', 'indicators[0].percentage_range_min must be a number from 0 to 100, not -1', 'min below 0');
SELECT throws_ok($$SELECT api.save_alert_configs('u1', '[{"display_order": 1, "percentage_range_min": 10, "percentage_range_max": 10, "color": "#000000"}]')$$,
                 '22023', NULL, 'max not above min');
SELECT throws_ok($$SELECT api.save_alert_configs('u1', '[{"display_order": 1, "percentage_range_min": 10, "percentage_range_max": 101, "color": "#000000"}]')$$,
                 '22023', NULL, 'max above 100');
SELECT throws_ok($$SELECT api.save_alert_configs('u1', '[{"display_order": 2, "percentage_range_min": 1, "color": "#000000"},
                                                         {"display_order": 7, "percentage_range_min": 1, "color": "red"}]')$$,
                 '22023', 'indicators[1].display_order must be an integer from 1 to 6, not 7', 'display order out of 1..6');
SELECT throws_ok($$SELECT api.save_alert_configs('u1', '[{"display_order": 1, "percentage_range_min": 1, "color": "#12345"}]')$$,
                 '22023', 'indicators[0].color must be a colour #RRGGBB, not "#12345"', 'a bad colour');
SELECT throws_ok($$SELECT api.save_alert_configs('u1', '[{"display_order": 1, "percentage_range_min": 1, "color": "#123456", "colour": 1}]')$$,
                 '22023', 'indicators[0].colour is not a field of an indicator', 'an unknown field');

SELECT lives_ok($$SET LOCAL ROLE web_anon; SELECT api.reset_alert_configs('u1'); RESET ROLE$$, 'web_anon resets');
SELECT results_eq($$SELECT count(*) FILTER (WHERE is_default AND audible_alerts_enabled), count(*) FROM api.alert_configs('u1')$$,
                  $$VALUES (6::bigint, 6::bigint)$$, 'after a reset the user has the defaults again');

SELECT * FROM finish();
ROLLBACK;

