-- Q5 as one hand-written statement on the peer's tables: the programmes in
-- Somalia as a set of ids, their fundings in id order, names joined.
WITH m AS MATERIALIZED (
  SELECT f.* FROM app.funding f
  WHERE f.programme_id IN (SELECT pc.programme_id FROM app.programme_country pc
    JOIN app.country c ON c.id = pc.country_id WHERE c.iso2 = 'SO'))
SELECT (SELECT count(*) FROM m), json_agg(x) FROM (
  SELECT m.kind, m.date, m.value_amount, m.value_currency,
    fo.acronym AS funder, fo.name AS funder_name, ro.acronym AS recipient, ro.name AS recipient_name,
    p.code, p.title
  FROM m JOIN app.programme p ON p.id = m.programme_id
  LEFT JOIN app.organisation fo ON fo.id = m.funder_id
  LEFT JOIN app.organisation ro ON ro.id = m.recipient_id
  ORDER BY m.id LIMIT 50) x;
