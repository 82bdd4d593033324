//! Database schema of Vì Dân, one step per file, run at start-up on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_accounts;
mod m20261122_000002_organisations;
mod m20261122_000003_records;
mod m20261122_000004_challenges;
mod m20261122_000005_teams;
mod m20261122_000006_entries;
mod m20261122_000007_entry_extensions;
mod m20261122_000008_entry_reminders;
mod m20261122_000009_entry_attachments;
mod m20261122_000010_judging;
mod m20261122_000011_votes;
mod m20261122_000012_vote_attempts;
mod m20261122_000013_pilots;
mod m20261123_000014_upload_storage;
mod m20261123_000015_counting;
mod m20261202_000016_judges_by_person;
mod m20261203_000017_throttles;
mod m20261204_000018_two_factor;
mod m20261205_000019_site_keys;
mod m20261205_000020_two_step_pending_session;
mod m20261205_000021_mailbox_keys;
mod m20261205_000022_team_departures;
mod m20261205_000023_invitations;
mod m20261206_000024_sign_in_keys;
mod m20261206_000025_staff_departures;
mod m20261206_000026_working_calendar;
mod m20261206_000027_report_receipts;
mod m20261206_000028_sms;
mod m20261206_000029_report_satisfaction;
mod m20261207_000030_phone_accounts;
mod m20261207_000031_sms_notifications;
mod m20261208_000032_assisted_reports;
mod m20261208_000033_report_apologies;
mod m20261209_000034_report_routing;
mod m20261209_000035_commitments;
mod m20261209_000036_sms_expiry;
mod m20261210_000037_entry_search;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_accounts::Migration),
            Box::new(m20261122_000002_organisations::Migration),
            Box::new(m20261122_000003_records::Migration),
            Box::new(m20261122_000004_challenges::Migration),
            Box::new(m20261122_000005_teams::Migration),
            Box::new(m20261122_000006_entries::Migration),
            Box::new(m20261122_000007_entry_extensions::Migration),
            Box::new(m20261122_000008_entry_reminders::Migration),
            Box::new(m20261122_000009_entry_attachments::Migration),
            Box::new(m20261122_000010_judging::Migration),
            Box::new(m20261122_000011_votes::Migration),
            Box::new(m20261122_000012_vote_attempts::Migration),
            Box::new(m20261122_000013_pilots::Migration),
            Box::new(m20261123_000014_upload_storage::Migration),
            Box::new(m20261123_000015_counting::Migration),
            Box::new(m20261202_000016_judges_by_person::Migration),
            Box::new(m20261203_000017_throttles::Migration),
            Box::new(m20261204_000018_two_factor::Migration),
            Box::new(m20261205_000019_site_keys::Migration),
            Box::new(m20261205_000020_two_step_pending_session::Migration),
            Box::new(m20261205_000021_mailbox_keys::Migration),
            Box::new(m20261205_000022_team_departures::Migration),
            Box::new(m20261205_000023_invitations::Migration),
            Box::new(m20261206_000024_sign_in_keys::Migration),
            Box::new(m20261206_000025_staff_departures::Migration),
            Box::new(m20261206_000026_working_calendar::Migration),
            Box::new(m20261206_000027_report_receipts::Migration),
            Box::new(m20261206_000028_sms::Migration),
            Box::new(m20261206_000029_report_satisfaction::Migration),
            Box::new(m20261207_000030_phone_accounts::Migration),
            Box::new(m20261207_000031_sms_notifications::Migration),
            Box::new(m20261208_000032_assisted_reports::Migration),
            Box::new(m20261208_000033_report_apologies::Migration),
            Box::new(m20261209_000034_report_routing::Migration),
            Box::new(m20261209_000035_commitments::Migration),
            Box::new(m20261209_000036_sms_expiry::Migration),
            Box::new(m20261210_000037_entry_search::Migration),
        ]
    }
}
