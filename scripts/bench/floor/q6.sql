-- Q6 as one hand-written statement on the peer's tables.
SELECT json_agg(x) FROM (
  SELECT o.acronym, o.name,
    (SELECT json_agg(json_build_object('role', pa.role, 'code', p.code, 'title', p.title, 'status', p.status))
       FROM app.participation pa JOIN app.programme p ON p.id = pa.programme_id
       WHERE pa.organisation_id = o.id) AS participations
  FROM app.organisation o ORDER BY o.acronym LIMIT 20) x;
