-- Drop index "programme_start_date" from table: "programmes"
DROP INDEX "programme_start_date";
-- Create index "programme_start_date_id" to table: "programmes"
CREATE INDEX "programme_start_date_id" ON "programmes" ("start_date" DESC, "id");
