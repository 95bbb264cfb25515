-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_organisations" table
CREATE TABLE `new_organisations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `name` text NOT NULL, `acronym` text NULL, `kind` text NOT NULL, `iati_ref` text NULL, `website` text NULL, `name_key` text NULL, `merged_into_id` integer NULL, `headquarters_id` integer NULL, `parent_id` integer NULL, CONSTRAINT `organisations_countries_headquarters` FOREIGN KEY (`headquarters_id`) REFERENCES `countries` (`id`) ON DELETE SET NULL, CONSTRAINT `organisations_organisations_children` FOREIGN KEY (`parent_id`) REFERENCES `organisations` (`id`) ON DELETE SET NULL);
-- Set sequence for "new_organisations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_organisations", 30064771072);
-- Copy rows from old table "organisations" to new temporary table "new_organisations"
INSERT INTO `new_organisations` (`id`, `created_at`, `updated_at`, `created_by`, `name`, `acronym`, `kind`, `iati_ref`, `website`, `headquarters_id`, `parent_id`) SELECT `id`, `created_at`, `updated_at`, `created_by`, `name`, `acronym`, `kind`, `iati_ref`, `website`, `headquarters_id`, `parent_id` FROM `organisations`;
-- Drop "organisations" table after copying rows
DROP TABLE `organisations`;
-- Rename temporary table "new_organisations" to "organisations"
ALTER TABLE `new_organisations` RENAME TO `organisations`;
-- Create index "organisations_iati_ref_key" to table: "organisations"
CREATE UNIQUE INDEX `organisations_iati_ref_key` ON `organisations` (`iati_ref`);
-- Create index "organisation_parent_id" to table: "organisations"
CREATE INDEX `organisation_parent_id` ON `organisations` (`parent_id`);
-- Create index "organisation_headquarters_id" to table: "organisations"
CREATE INDEX `organisation_headquarters_id` ON `organisations` (`headquarters_id`);
-- Create index "organisation_name_key" to table: "organisations"
CREATE INDEX `organisation_name_key` ON `organisations` (`name_key`);
-- Create index "organisation_merged_into_id" to table: "organisations"
CREATE INDEX `organisation_merged_into_id` ON `organisations` (`merged_into_id`);
-- Create "organisation_aliases" table
CREATE TABLE `organisation_aliases` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `name` text NULL, `ref` text NULL, `publisher` text NULL, `source` text NOT NULL, `name_key` text NULL, `merge_id` integer NULL, `organisation_id` integer NOT NULL, CONSTRAINT `organisation_aliases_organisations_aliases` FOREIGN KEY (`organisation_id`) REFERENCES `organisations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "organisation_aliases" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("organisation_aliases", 94489280512);
-- Create index "organisationalias_organisation_id" to table: "organisation_aliases"
CREATE INDEX `organisationalias_organisation_id` ON `organisation_aliases` (`organisation_id`);
-- Create index "organisationalias_ref" to table: "organisation_aliases"
CREATE INDEX `organisationalias_ref` ON `organisation_aliases` (`ref`);
-- Create index "organisationalias_name_key" to table: "organisation_aliases"
CREATE INDEX `organisationalias_name_key` ON `organisation_aliases` (`name_key`);
-- Create "organisation_merges" table
CREATE TABLE `organisation_merges` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `into_id` integer NOT NULL, `from_id` integer NOT NULL, `before` json NULL, `moved` json NULL, `undone_at` datetime NULL);
-- Set sequence for "organisation_merges" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("organisation_merges", 98784247808);
-- Create index "organisationmerge_from_id" to table: "organisation_merges"
CREATE INDEX `organisationmerge_from_id` ON `organisation_merges` (`from_id`);
-- Create index "organisationmerge_into_id" to table: "organisation_merges"
CREATE INDEX `organisationmerge_into_id` ON `organisation_merges` (`into_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
