-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Add column "iati_elements" to table: "contacts"
ALTER TABLE `contacts` ADD COLUMN `iati_elements` json NULL;
-- Add column "iati_synced_at" to table: "contacts"
ALTER TABLE `contacts` ADD COLUMN `iati_synced_at` datetime NULL;
-- Create "new_fundings" table
CREATE TABLE `new_fundings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `iati_elements` json NULL, `iati_synced_at` datetime NULL, `quality_notes` json NULL, `has_quality_notes` bool NOT NULL DEFAULT (false), `kind` text NULL, `transaction_type` text NULL, `date` text NULL, `note` text NULL, `value_amount` text collate decimal NULL, `value_currency` text NULL, `agreement_id` integer NULL, `funder_id` integer NULL, `recipient_id` integer NULL, `programme_id` integer NOT NULL, CONSTRAINT `fundings_agreements_fundings` FOREIGN KEY (`agreement_id`) REFERENCES `agreements` (`id`) ON DELETE SET NULL, CONSTRAINT `fundings_organisations_fundings_given` FOREIGN KEY (`funder_id`) REFERENCES `organisations` (`id`) ON DELETE SET NULL, CONSTRAINT `fundings_organisations_fundings_received` FOREIGN KEY (`recipient_id`) REFERENCES `organisations` (`id`) ON DELETE SET NULL, CONSTRAINT `fundings_programmes_fundings` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE NO ACTION);
-- Set sequence for "new_fundings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_fundings", 25769803776);
-- Copy rows from old table "fundings" to new temporary table "new_fundings"
INSERT INTO `new_fundings` (`id`, `created_at`, `updated_at`, `created_by`, `kind`, `date`, `note`, `value_amount`, `value_currency`, `agreement_id`, `funder_id`, `recipient_id`, `programme_id`) SELECT `id`, `created_at`, `updated_at`, `created_by`, `kind`, `date`, `note`, `value_amount`, `value_currency`, `agreement_id`, `funder_id`, `recipient_id`, `programme_id` FROM `fundings`;
-- Drop "fundings" table after copying rows
DROP TABLE `fundings`;
-- Rename temporary table "new_fundings" to "fundings"
ALTER TABLE `new_fundings` RENAME TO `fundings`;
-- Create index "funding_programme_id" to table: "fundings"
CREATE INDEX `funding_programme_id` ON `fundings` (`programme_id`);
-- Create index "funding_funder_id" to table: "fundings"
CREATE INDEX `funding_funder_id` ON `fundings` (`funder_id`);
-- Create index "funding_recipient_id" to table: "fundings"
CREATE INDEX `funding_recipient_id` ON `fundings` (`recipient_id`);
-- Add column "iati_elements" to table: "participations"
ALTER TABLE `participations` ADD COLUMN `iati_elements` json NULL;
-- Add column "iati_synced_at" to table: "participations"
ALTER TABLE `participations` ADD COLUMN `iati_synced_at` datetime NULL;
-- Create "new_programmes" table
CREATE TABLE `new_programmes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `language` text NULL, `title_translations` json NULL, `description_translations` json NULL, `recipient_regions` json NULL, `reporting_org` json NULL, `activity_dates` json NULL, `budget_periods` json NULL, `iati_elements` json NULL, `iati_synced_at` datetime NULL, `quality_notes` json NULL, `has_quality_notes` bool NOT NULL DEFAULT (false), `code` text NOT NULL, `title` text NOT NULL, `description` text NULL, `status` text NULL, `theme` text NULL, `start_date` text NULL, `end_date` text NULL, `coverage` text NULL, `region` text NULL, `budget_amount` text collate decimal NULL, `budget_currency` text NULL, `parent_id` integer NULL, CONSTRAINT `programmes_programmes_children` FOREIGN KEY (`parent_id`) REFERENCES `programmes` (`id`) ON DELETE SET NULL);
-- Set sequence for "new_programmes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_programmes", 42949672960);
-- Copy rows from old table "programmes" to new temporary table "new_programmes"
INSERT INTO `new_programmes` (`id`, `created_at`, `updated_at`, `created_by`, `language`, `title_translations`, `description_translations`, `recipient_regions`, `reporting_org`, `activity_dates`, `budget_periods`, `code`, `title`, `description`, `status`, `theme`, `start_date`, `end_date`, `coverage`, `region`, `budget_amount`, `budget_currency`, `parent_id`) SELECT `id`, `created_at`, `updated_at`, `created_by`, `language`, `title_translations`, `description_translations`, `recipient_regions`, `reporting_org`, `activity_dates`, `budget_periods`, `code`, `title`, `description`, `status`, `theme`, `start_date`, `end_date`, `coverage`, `region`, `budget_amount`, `budget_currency`, `parent_id` FROM `programmes`;
-- Drop "programmes" table after copying rows
DROP TABLE `programmes`;
-- Rename temporary table "new_programmes" to "programmes"
ALTER TABLE `new_programmes` RENAME TO `programmes`;
-- Create index "programmes_code_key" to table: "programmes"
CREATE UNIQUE INDEX `programmes_code_key` ON `programmes` (`code`);
-- Create index "programme_start_date_id" to table: "programmes"
CREATE INDEX `programme_start_date_id` ON `programmes` (`start_date` DESC, `id`);
-- Create index "programme_parent_id" to table: "programmes"
CREATE INDEX `programme_parent_id` ON `programmes` (`parent_id`);
-- Add column "iati_elements" to table: "programme_countries"
ALTER TABLE `programme_countries` ADD COLUMN `iati_elements` json NULL;
-- Add column "iati_synced_at" to table: "programme_countries"
ALTER TABLE `programme_countries` ADD COLUMN `iati_synced_at` datetime NULL;
-- Create "humanitarian_scopes" table
CREATE TABLE `humanitarian_scopes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `type` text NOT NULL, `vocabulary` text NOT NULL, `code` text NOT NULL, `name` text NULL, `programme_id` integer NOT NULL, CONSTRAINT `humanitarian_scopes_programmes_humanitarian_scopes` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE CASCADE);
-- Set sequence for "humanitarian_scopes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("humanitarian_scopes", 77309411328);
-- Create index "humanitarianscope_programme_id" to table: "humanitarian_scopes"
CREATE INDEX `humanitarianscope_programme_id` ON `humanitarian_scopes` (`programme_id`);
-- Create index "humanitarianscope_code" to table: "humanitarian_scopes"
CREATE INDEX `humanitarianscope_code` ON `humanitarian_scopes` (`code`);
-- Create "locations" table
CREATE TABLE `locations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `ref` text NULL, `name` text NULL, `description` text NULL, `point` json NULL, `reach` text NULL, `exactness` text NULL, `location_class` text NULL, `feature_designation` text NULL, `administrative` json NULL, `programme_id` integer NOT NULL, CONSTRAINT `locations_programmes_locations` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE CASCADE);
-- Set sequence for "locations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("locations", 81604378624);
-- Create index "location_programme_id" to table: "locations"
CREATE INDEX `location_programme_id` ON `locations` (`programme_id`);
-- Create "policy_markers" table
CREATE TABLE `policy_markers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `vocabulary` text NOT NULL, `code` text NOT NULL, `name` text NULL, `significance` text NULL, `programme_id` integer NOT NULL, CONSTRAINT `policy_markers_programmes_policy_markers` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE CASCADE);
-- Set sequence for "policy_markers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("policy_markers", 85899345920);
-- Create index "policymarker_programme_id" to table: "policy_markers"
CREATE INDEX `policymarker_programme_id` ON `policy_markers` (`programme_id`);
-- Create index "policymarker_code" to table: "policy_markers"
CREATE INDEX `policymarker_code` ON `policy_markers` (`code`);
-- Create "sectors" table
CREATE TABLE `sectors` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `vocabulary` text NOT NULL, `code` text NOT NULL, `name` text NULL, `percentage` text collate decimal NULL, `funding_id` integer NULL, `programme_id` integer NULL, CONSTRAINT `sectors_fundings_sectors` FOREIGN KEY (`funding_id`) REFERENCES `fundings` (`id`) ON DELETE CASCADE, CONSTRAINT `sectors_programmes_sectors` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE CASCADE);
-- Set sequence for "sectors" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sectors", 90194313216);
-- Create index "sector_programme_id" to table: "sectors"
CREATE INDEX `sector_programme_id` ON `sectors` (`programme_id`);
-- Create index "sector_funding_id" to table: "sectors"
CREATE INDEX `sector_funding_id` ON `sectors` (`funding_id`);
-- Create index "sector_code" to table: "sectors"
CREATE INDEX `sector_code` ON `sectors` (`code`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
