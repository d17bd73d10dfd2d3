-- Verify raceday:raw_responses_content_hash on pg

DO $$
BEGIN
    ASSERT (SELECT attgenerated FROM pg_attribute
            WHERE attrelid = 'staging.raw_responses'::regclass AND attname = 'content_hash') = '',
           'content_hash is a plain column';
    ASSERT staging.content_hash('{"header":{"generated_time":"2026-01-01T00:00:00.1Z"},"data":{"a":1}}',
                                '2026-01-01T00:00:00.1Z')
         = staging.content_hash('{"header":{"generated_time":"2026-01-01T00:00:15.2Z"},"data":{"a":1}}',
                                '2026-01-01T00:00:15.2Z'),
           'responses that differ only in generated_time hash alike';
    ASSERT staging.content_hash('{"data":{"a":1}}', NULL) <> staging.content_hash('{"data":{"a":2}}', NULL),
           'different data hash apart';
END
$$;
