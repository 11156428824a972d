-- Audit details for people: one "key: value" line per entry, a change shown
-- as "old → new", instead of raw JSON.
CREATE FUNCTION portal.audit_text(d jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(string_agg(key || ': ' ||
	    CASE WHEN jsonb_typeof(value) = 'array' AND jsonb_array_length(value) = 2
		THEN coalesce(value ->> 0, '∅') || ' → ' || coalesce(value ->> 1, '∅')
		ELSE coalesce(value #>> '{}', '') END, E'\n' ORDER BY key), '')
	  FROM jsonb_each(CASE WHEN jsonb_typeof(d) = 'object' THEN d ELSE '{}' END)
$$;
