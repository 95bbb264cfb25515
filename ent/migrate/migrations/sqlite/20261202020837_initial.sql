-- Create "api_keys" table
CREATE TABLE `api_keys` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `prefix` text NOT NULL, `secret_hash` blob NOT NULL, `role` text NOT NULL, `label` text NULL, `created_at` datetime NOT NULL, `revoked_at` datetime NULL, `organisation_id` integer NOT NULL, CONSTRAINT `api_keys_organisations_organisation` FOREIGN KEY (`organisation_id`) REFERENCES `organisations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "api_keys" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("api_keys", 60129542144);
-- Create index "api_keys_prefix_key" to table: "api_keys"
CREATE UNIQUE INDEX `api_keys_prefix_key` ON `api_keys` (`prefix`);
-- Create "activity_links" table
CREATE TABLE `activity_links` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `programme_code` text NOT NULL, `ref` text NOT NULL, `type` text NOT NULL);
-- Set sequence for "activity_links" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("activity_links", 73014444032);
-- Create index "activitylink_programme_code_type_ref" to table: "activity_links"
CREATE UNIQUE INDEX `activitylink_programme_code_type_ref` ON `activity_links` (`programme_code`, `type`, `ref`);
-- Create index "activitylink_ref" to table: "activity_links"
CREATE INDEX `activitylink_ref` ON `activity_links` (`ref`);
-- Create "agreements" table
CREATE TABLE `agreements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `reference` text NULL, `title` text NOT NULL, `kind` text NULL, `status` text NULL, `signed_on` text NULL, `place` text NULL, `summary` text NULL);
-- Create index "agreements_reference_key" to table: "agreements"
CREATE UNIQUE INDEX `agreements_reference_key` ON `agreements` (`reference`);
-- Create "agreement_parties" table
CREATE TABLE `agreement_parties` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `signatory_name` text NULL, `signatory_title` text NULL, `agreement_parties` integer NOT NULL, `organisation_agreement_parties` integer NOT NULL, CONSTRAINT `agreement_parties_agreements_parties` FOREIGN KEY (`agreement_parties`) REFERENCES `agreements` (`id`) ON DELETE NO ACTION, CONSTRAINT `agreement_parties_organisations_agreement_parties` FOREIGN KEY (`organisation_agreement_parties`) REFERENCES `organisations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "agreement_parties" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("agreement_parties", 4294967296);
-- Create index "agreementparty_agreement_parties" to table: "agreement_parties"
CREATE INDEX `agreementparty_agreement_parties` ON `agreement_parties` (`agreement_parties`);
-- Create index "agreementparty_organisation_agreement_parties" to table: "agreement_parties"
CREATE INDEX `agreementparty_organisation_agreement_parties` ON `agreement_parties` (`organisation_agreement_parties`);
-- Create "areas" table
CREATE TABLE `areas` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `name` text NOT NULL, `country_id` integer NOT NULL, CONSTRAINT `areas_countries_areas` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE NO ACTION);
-- Set sequence for "areas" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("areas", 8589934592);
-- Create index "area_country_id_name" to table: "areas"
CREATE UNIQUE INDEX `area_country_id_name` ON `areas` (`country_id`, `name`);
-- Create "changes" table
CREATE TABLE `changes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `at` datetime NOT NULL, `operation` text NOT NULL, `record_type` text NOT NULL, `record_id` integer NOT NULL, `before` json NULL, `after` json NULL, `key_id` integer NULL, `organisation_id` integer NULL);
-- Set sequence for "changes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("changes", 64424509440);
-- Create index "change_record_id" to table: "changes"
CREATE INDEX `change_record_id` ON `changes` (`record_id`);
-- Create index "change_at" to table: "changes"
CREATE INDEX `change_at` ON `changes` (`at`);
-- Create "contacts" table
CREATE TABLE `contacts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `name` text NULL, `email` text NULL, `phone` text NULL, `office` text NULL, `organisation_contacts` integer NULL, `programme_contacts` integer NULL, CONSTRAINT `contacts_organisations_contacts` FOREIGN KEY (`organisation_contacts`) REFERENCES `organisations` (`id`) ON DELETE SET NULL, CONSTRAINT `contacts_programmes_contacts` FOREIGN KEY (`programme_contacts`) REFERENCES `programmes` (`id`) ON DELETE SET NULL);
-- Set sequence for "contacts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("contacts", 12884901888);
-- Create index "contact_organisation_contacts" to table: "contacts"
CREATE INDEX `contact_organisation_contacts` ON `contacts` (`organisation_contacts`);
-- Create index "contact_programme_contacts" to table: "contacts"
CREATE INDEX `contact_programme_contacts` ON `contacts` (`programme_contacts`);
-- Create "countries" table
CREATE TABLE `countries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `iso2` text NOT NULL, `iso3` text NOT NULL, `name` text NOT NULL, `region` text NULL);
-- Set sequence for "countries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("countries", 17179869184);
-- Create index "countries_iso2_key" to table: "countries"
CREATE UNIQUE INDEX `countries_iso2_key` ON `countries` (`iso2`);
-- Create index "countries_iso3_key" to table: "countries"
CREATE UNIQUE INDEX `countries_iso3_key` ON `countries` (`iso3`);
-- Create "events" table
CREATE TABLE `events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `title` text NOT NULL, `starts_on` text NULL, `ends_on` text NULL, `place` text NULL, `summary` text NULL, `programme_id` integer NULL, CONSTRAINT `events_programmes_programme` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE SET NULL);
-- Set sequence for "events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("events", 21474836480);
-- Create index "event_programme_id" to table: "events"
CREATE INDEX `event_programme_id` ON `events` (`programme_id`);
-- Create "exchange_rates" table
CREATE TABLE `exchange_rates` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `currency` text NOT NULL, `to_currency` text NOT NULL, `rate` text collate decimal NOT NULL, `date` text NOT NULL, `source` text NOT NULL);
-- Set sequence for "exchange_rates" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("exchange_rates", 68719476736);
-- Create index "exchangerate_currency_to_currency_date" to table: "exchange_rates"
CREATE UNIQUE INDEX `exchangerate_currency_to_currency_date` ON `exchange_rates` (`currency`, `to_currency`, `date`);
-- Create "fundings" table
CREATE TABLE `fundings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `kind` text NULL, `date` text NULL, `note` text NULL, `value_amount` text collate decimal NULL, `value_currency` text NULL, `agreement_id` integer NULL, `funder_id` integer NULL, `recipient_id` integer NULL, `programme_id` integer NOT NULL, CONSTRAINT `fundings_agreements_fundings` FOREIGN KEY (`agreement_id`) REFERENCES `agreements` (`id`) ON DELETE SET NULL, CONSTRAINT `fundings_organisations_fundings_given` FOREIGN KEY (`funder_id`) REFERENCES `organisations` (`id`) ON DELETE SET NULL, CONSTRAINT `fundings_organisations_fundings_received` FOREIGN KEY (`recipient_id`) REFERENCES `organisations` (`id`) ON DELETE SET NULL, CONSTRAINT `fundings_programmes_fundings` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE NO ACTION);
-- Set sequence for "fundings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("fundings", 25769803776);
-- Create index "funding_programme_id" to table: "fundings"
CREATE INDEX `funding_programme_id` ON `fundings` (`programme_id`);
-- Create index "funding_funder_id" to table: "fundings"
CREATE INDEX `funding_funder_id` ON `fundings` (`funder_id`);
-- Create index "funding_recipient_id" to table: "fundings"
CREATE INDEX `funding_recipient_id` ON `fundings` (`recipient_id`);
-- Create "organisations" table
CREATE TABLE `organisations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `name` text NOT NULL, `acronym` text NULL, `kind` text NOT NULL, `iati_ref` text NULL, `website` text NULL, `headquarters_id` integer NULL, `parent_id` integer NULL, CONSTRAINT `organisations_countries_headquarters` FOREIGN KEY (`headquarters_id`) REFERENCES `countries` (`id`) ON DELETE SET NULL, CONSTRAINT `organisations_organisations_children` FOREIGN KEY (`parent_id`) REFERENCES `organisations` (`id`) ON DELETE SET NULL);
-- Set sequence for "organisations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("organisations", 30064771072);
-- Create index "organisations_iati_ref_key" to table: "organisations"
CREATE UNIQUE INDEX `organisations_iati_ref_key` ON `organisations` (`iati_ref`);
-- Create index "organisation_parent_id" to table: "organisations"
CREATE INDEX `organisation_parent_id` ON `organisations` (`parent_id`);
-- Create index "organisation_headquarters_id" to table: "organisations"
CREATE INDEX `organisation_headquarters_id` ON `organisations` (`headquarters_id`);
-- Create "participations" table
CREATE TABLE `participations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `role` text NOT NULL, `organisation_id` integer NOT NULL, `programme_id` integer NOT NULL, CONSTRAINT `participations_organisations_participations` FOREIGN KEY (`organisation_id`) REFERENCES `organisations` (`id`) ON DELETE NO ACTION, CONSTRAINT `participations_programmes_participations` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE NO ACTION);
-- Set sequence for "participations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("participations", 34359738368);
-- Create index "participation_programme_id_organisation_id_role" to table: "participations"
CREATE UNIQUE INDEX `participation_programme_id_organisation_id_role` ON `participations` (`programme_id`, `organisation_id`, `role`);
-- Create index "participation_organisation_id_role" to table: "participations"
CREATE INDEX `participation_organisation_id_role` ON `participations` (`organisation_id`, `role`);
-- Create "presences" table
CREATE TABLE `presences` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `opened_in` text NULL, `country_presences` integer NOT NULL, `organisation_presences` integer NOT NULL, CONSTRAINT `presences_countries_presences` FOREIGN KEY (`country_presences`) REFERENCES `countries` (`id`) ON DELETE NO ACTION, CONSTRAINT `presences_organisations_presences` FOREIGN KEY (`organisation_presences`) REFERENCES `organisations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "presences" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("presences", 38654705664);
-- Create index "presence_organisation_presences" to table: "presences"
CREATE INDEX `presence_organisation_presences` ON `presences` (`organisation_presences`);
-- Create index "presence_country_presences" to table: "presences"
CREATE INDEX `presence_country_presences` ON `presences` (`country_presences`);
-- Create "programmes" table
CREATE TABLE `programmes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `language` text NULL, `title_translations` json NULL, `description_translations` json NULL, `recipient_regions` json NULL, `reporting_org` json NULL, `activity_dates` json NULL, `budget_periods` json NULL, `code` text NOT NULL, `title` text NOT NULL, `description` text NULL, `status` text NULL, `theme` text NULL, `start_date` text NULL, `end_date` text NULL, `coverage` text NULL, `region` text NULL, `budget_amount` text collate decimal NULL, `budget_currency` text NULL, `parent_id` integer NULL, CONSTRAINT `programmes_programmes_children` FOREIGN KEY (`parent_id`) REFERENCES `programmes` (`id`) ON DELETE SET NULL);
-- Set sequence for "programmes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("programmes", 42949672960);
-- Create index "programmes_code_key" to table: "programmes"
CREATE UNIQUE INDEX `programmes_code_key` ON `programmes` (`code`);
-- Create index "programme_start_date" to table: "programmes"
CREATE INDEX `programme_start_date` ON `programmes` (`start_date`);
-- Create index "programme_parent_id" to table: "programmes"
CREATE INDEX `programme_parent_id` ON `programmes` (`parent_id`);
-- Create "programme_countries" table
CREATE TABLE `programme_countries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `role` text NOT NULL, `share_percent` text collate decimal NULL, `country_id` integer NOT NULL, `programme_id` integer NOT NULL, CONSTRAINT `programme_countries_countries_programme_countries` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE NO ACTION, CONSTRAINT `programme_countries_programmes_countries` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE NO ACTION);
-- Set sequence for "programme_countries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("programme_countries", 47244640256);
-- Create index "programmecountry_programme_id_country_id_role" to table: "programme_countries"
CREATE UNIQUE INDEX `programmecountry_programme_id_country_id_role` ON `programme_countries` (`programme_id`, `country_id`, `role`);
-- Create index "programmecountry_country_id_role" to table: "programme_countries"
CREATE INDEX `programmecountry_country_id_role` ON `programme_countries` (`country_id`, `role`);
-- Create "results" table
CREATE TABLE `results` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `indicator` text NOT NULL, `unit` text NULL, `target` text NULL, `achieved` text collate decimal NULL, `programme_id` integer NOT NULL, CONSTRAINT `results_programmes_results` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE NO ACTION);
-- Set sequence for "results" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("results", 51539607552);
-- Create index "result_programme_id" to table: "results"
CREATE INDEX `result_programme_id` ON `results` (`programme_id`);
-- Create "sources" table
CREATE TABLE `sources` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `created_by` integer NULL, `title` text NOT NULL, `url` text NULL, `file_name` text NULL, `publisher` text NULL, `published_on` text NULL);
-- Set sequence for "sources" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sources", 55834574848);
-- Create index "sources_file_name_key" to table: "sources"
CREATE UNIQUE INDEX `sources_file_name_key` ON `sources` (`file_name`);
-- Create index "source_url" to table: "sources"
CREATE INDEX `source_url` ON `sources` (`url`);
-- Create "agreement_programmes" table
CREATE TABLE `agreement_programmes` (`agreement_id` integer NOT NULL, `programme_id` integer NOT NULL, PRIMARY KEY (`agreement_id`, `programme_id`), CONSTRAINT `agreement_programmes_agreement_id` FOREIGN KEY (`agreement_id`) REFERENCES `agreements` (`id`) ON DELETE CASCADE, CONSTRAINT `agreement_programmes_programme_id` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE CASCADE);
-- Create "agreement_sources" table
CREATE TABLE `agreement_sources` (`agreement_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`agreement_id`, `source_id`), CONSTRAINT `agreement_sources_agreement_id` FOREIGN KEY (`agreement_id`) REFERENCES `agreements` (`id`) ON DELETE CASCADE, CONSTRAINT `agreement_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "agreement_party_sources" table
CREATE TABLE `agreement_party_sources` (`agreement_party_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`agreement_party_id`, `source_id`), CONSTRAINT `agreement_party_sources_agreement_party_id` FOREIGN KEY (`agreement_party_id`) REFERENCES `agreement_parties` (`id`) ON DELETE CASCADE, CONSTRAINT `agreement_party_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "area_sources" table
CREATE TABLE `area_sources` (`area_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`area_id`, `source_id`), CONSTRAINT `area_sources_area_id` FOREIGN KEY (`area_id`) REFERENCES `areas` (`id`) ON DELETE CASCADE, CONSTRAINT `area_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "contact_sources" table
CREATE TABLE `contact_sources` (`contact_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`contact_id`, `source_id`), CONSTRAINT `contact_sources_contact_id` FOREIGN KEY (`contact_id`) REFERENCES `contacts` (`id`) ON DELETE CASCADE, CONSTRAINT `contact_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "country_sources" table
CREATE TABLE `country_sources` (`country_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`country_id`, `source_id`), CONSTRAINT `country_sources_country_id` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE CASCADE, CONSTRAINT `country_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "event_organisers" table
CREATE TABLE `event_organisers` (`event_id` integer NOT NULL, `organisation_id` integer NOT NULL, PRIMARY KEY (`event_id`, `organisation_id`), CONSTRAINT `event_organisers_event_id` FOREIGN KEY (`event_id`) REFERENCES `events` (`id`) ON DELETE CASCADE, CONSTRAINT `event_organisers_organisation_id` FOREIGN KEY (`organisation_id`) REFERENCES `organisations` (`id`) ON DELETE CASCADE);
-- Create "event_participants" table
CREATE TABLE `event_participants` (`event_id` integer NOT NULL, `organisation_id` integer NOT NULL, PRIMARY KEY (`event_id`, `organisation_id`), CONSTRAINT `event_participants_event_id` FOREIGN KEY (`event_id`) REFERENCES `events` (`id`) ON DELETE CASCADE, CONSTRAINT `event_participants_organisation_id` FOREIGN KEY (`organisation_id`) REFERENCES `organisations` (`id`) ON DELETE CASCADE);
-- Create "event_sources" table
CREATE TABLE `event_sources` (`event_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`event_id`, `source_id`), CONSTRAINT `event_sources_event_id` FOREIGN KEY (`event_id`) REFERENCES `events` (`id`) ON DELETE CASCADE, CONSTRAINT `event_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "funding_sources" table
CREATE TABLE `funding_sources` (`funding_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`funding_id`, `source_id`), CONSTRAINT `funding_sources_funding_id` FOREIGN KEY (`funding_id`) REFERENCES `fundings` (`id`) ON DELETE CASCADE, CONSTRAINT `funding_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "organisation_sources" table
CREATE TABLE `organisation_sources` (`organisation_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`organisation_id`, `source_id`), CONSTRAINT `organisation_sources_organisation_id` FOREIGN KEY (`organisation_id`) REFERENCES `organisations` (`id`) ON DELETE CASCADE, CONSTRAINT `organisation_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "participation_sources" table
CREATE TABLE `participation_sources` (`participation_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`participation_id`, `source_id`), CONSTRAINT `participation_sources_participation_id` FOREIGN KEY (`participation_id`) REFERENCES `participations` (`id`) ON DELETE CASCADE, CONSTRAINT `participation_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "presence_sources" table
CREATE TABLE `presence_sources` (`presence_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`presence_id`, `source_id`), CONSTRAINT `presence_sources_presence_id` FOREIGN KEY (`presence_id`) REFERENCES `presences` (`id`) ON DELETE CASCADE, CONSTRAINT `presence_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "programme_sources" table
CREATE TABLE `programme_sources` (`programme_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`programme_id`, `source_id`), CONSTRAINT `programme_sources_programme_id` FOREIGN KEY (`programme_id`) REFERENCES `programmes` (`id`) ON DELETE CASCADE, CONSTRAINT `programme_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "programme_country_areas" table
CREATE TABLE `programme_country_areas` (`programme_country_id` integer NOT NULL, `area_id` integer NOT NULL, PRIMARY KEY (`programme_country_id`, `area_id`), CONSTRAINT `programme_country_areas_programme_country_id` FOREIGN KEY (`programme_country_id`) REFERENCES `programme_countries` (`id`) ON DELETE CASCADE, CONSTRAINT `programme_country_areas_area_id` FOREIGN KEY (`area_id`) REFERENCES `areas` (`id`) ON DELETE CASCADE);
-- Create "programme_country_sources" table
CREATE TABLE `programme_country_sources` (`programme_country_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`programme_country_id`, `source_id`), CONSTRAINT `programme_country_sources_programme_country_id` FOREIGN KEY (`programme_country_id`) REFERENCES `programme_countries` (`id`) ON DELETE CASCADE, CONSTRAINT `programme_country_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
-- Create "result_sources" table
CREATE TABLE `result_sources` (`result_id` integer NOT NULL, `source_id` integer NOT NULL, PRIMARY KEY (`result_id`, `source_id`), CONSTRAINT `result_sources_result_id` FOREIGN KEY (`result_id`) REFERENCES `results` (`id`) ON DELETE CASCADE, CONSTRAINT `result_sources_source_id` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE CASCADE);
