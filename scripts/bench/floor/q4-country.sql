-- The shared Q4 (fundingSummary groupBy [FUNDER, COUNTRY]) as one
-- hand-written statement on the peer's tables: the fundings of programmes
-- in Somalia, each counted once per beneficiary country of its programme
-- for the country's share (in full when it has none), added up per funder,
-- country and currency. No JSON, no names, no inferred funders (every
-- funding of the dataset names its funder): the physical limit of the
-- question, not an answer to it.
SELECT f.funder_id, pc.country_id, pc.share_percent IS NULL AS full_amount, f.value_currency, count(*),
  sum(CASE WHEN pc.share_percent IS NULL THEN f.value_amount ELSE f.value_amount * pc.share_percent / 100 END)
FROM app.funding f
LEFT JOIN app.programme_country pc ON pc.programme_id = f.programme_id AND pc.role = 'BENEFICIARY'
WHERE f.programme_id IN (
  SELECT pc.programme_id FROM app.programme_country pc JOIN app.country c ON c.id = pc.country_id WHERE c.iso2 = 'SO')
GROUP BY f.funder_id, pc.country_id, pc.share_percent IS NULL, f.value_currency;
