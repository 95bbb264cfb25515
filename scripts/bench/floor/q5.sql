-- Q5 as one hand-written statement on the peer's tables: the programmes in
-- Somalia as a set of ids; their fundings counted, and the first 50 in id
-- order with names joined.
WITH ids AS MATERIALIZED (
  SELECT DISTINCT pc.programme_id FROM app.programme_country pc
  JOIN app.country c ON c.id = pc.country_id WHERE c.iso2 = 'SO')
SELECT (SELECT count(*) FROM app.funding f WHERE f.programme_id IN (SELECT programme_id FROM ids)),
  (SELECT json_agg(x) FROM (
    SELECT f.kind, f.date, f.value_amount, f.value_currency,
      fo.acronym AS funder, fo.name AS funder_name, ro.acronym AS recipient, ro.name AS recipient_name,
      p.code, p.title
    FROM app.funding f JOIN app.programme p ON p.id = f.programme_id
    LEFT JOIN app.organisation fo ON fo.id = f.funder_id
    LEFT JOIN app.organisation ro ON ro.id = f.recipient_id
    WHERE f.programme_id IN (SELECT programme_id FROM ids)
    ORDER BY f.id LIMIT 50) x);
