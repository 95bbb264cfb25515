-- Modify "changes" table
ALTER TABLE "changes" ALTER COLUMN "before" TYPE json, ALTER COLUMN "after" TYPE json;
