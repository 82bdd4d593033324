//! Background work: the outbox workers (email when SMTP is configured, SMS when a gateway is), telling followers when a
//! challenge enters a new phase, reminding teams of drafts due within a day and milestone owners of due dates, and periodic clean-up of expired sessions, codes and old sign-in
//! attempts. Safe to run on several instances at once.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ConnectionTrait, Statement};

use crate::AppState;
use crate::mailer::Mailer;

pub fn spawn(state: AppState) {
    if let Some(smtp) = state.config.smtp.clone() {
        let city_ca = state.config.city_ca.clone();
        let db = state.db.clone();
        let every = Duration::from_secs(state.config.outbox_interval_secs.max(1));
        tokio::spawn(async move {
            let mailer = match Mailer::new(&smtp, city_ca.as_deref()) {
                Ok(m) => m,
                Err(err) => {
                    tracing::error!(%err, "SMTP settings are unusable; emails stay in the outbox");
                    return;
                }
            };
            loop {
                if let Err(err) = mailer.deliver_due(&db).await {
                    tracing::error!(%err, "outbox delivery failed");
                }
                tokio::time::sleep(every).await;
            }
        });
    }
    if let Some(sms) = state.config.sms.clone() {
        let city_ca = state.config.city_ca.clone();
        let db = state.db.clone();
        let every = Duration::from_secs(state.config.outbox_interval_secs.max(1));
        tokio::spawn(async move {
            let gateway = match crate::sms_gateway::Gateway::new(&sms, city_ca.as_deref()) {
                Ok(g) => g,
                Err(err) => {
                    tracing::error!(%err, "SMS settings are unusable; messages stay in the outbox");
                    return;
                }
            };
            loop {
                if let Err(err) = gateway.deliver_due(&db).await {
                    tracing::error!(%err, "SMS delivery failed");
                }
                tokio::time::sleep(every).await;
            }
        });
    }
    let db = state.db.clone();
    let every = Duration::from_secs(state.config.scheduler_interval_secs.max(1));
    // The emails these passes write link to the site: its address comes from the configuration,
    // as a request's comes from the settings.
    let links = app::links::Links::new(&state.config.base_url);
    tokio::spawn(async move {
        loop {
            match app::jobs::phase_changes::notify_phase_changes(&db, &links, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(notified = n, "followers told of new phases"),
                Err(err) => tracing::error!(%err, "phase notifications failed"),
            }
            match app::jobs::draft_reminders::remind_drafts(&db, &links, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminded = n, "teams reminded of drafts due within a day"),
                Err(err) => tracing::error!(%err, "draft reminders failed"),
            }
            match app::jobs::milestone_reminders::remind_milestones(&db, &links, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(milestones = n, "milestone owners reminded"),
                Err(err) => tracing::error!(%err, "milestone reminders failed"),
            }
            match app::jobs::commitment_late::tell_late(&db, &links, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(commitments = n, "followers told of late commitments"),
                Err(err) => tracing::error!(%err, "late commitment notices failed"),
            }
            match app::jobs::results_notices::notify_results(&db, &links, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(challenges = n, "teams told their results are out"),
                Err(err) => tracing::error!(%err, "results notifications failed"),
            }
            tokio::time::sleep(every).await;
        }
    });
    let db = state.db.clone();
    tokio::spawn(async move {
        loop {
            if let Err(err) = clean_up(&db).await {
                tracing::error!(%err, "clean-up failed");
            }
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    });
}

async fn clean_up(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    let day_ago = now - chrono::Duration::days(1);
    for (sql, at) in [
        ("DELETE FROM sessions WHERE expires_at < $1", now),
        (
            "DELETE FROM sign_in_attempts WHERE created_at < $1",
            day_ago,
        ),
        ("DELETE FROM email_codes WHERE expires_at < $1", day_ago),
        // A counter whose window has passed limits nothing.
        ("DELETE FROM throttles WHERE expires_at < $1", now),
        // A password whose second step never came.
        ("DELETE FROM sign_in_steps WHERE expires_at < $1", now),
        (
            "DELETE FROM trusted_devices WHERE last_used_at < $1",
            now - chrono::Duration::days(app::account::service::DEVICE_DAYS),
        ),
        // A phone code used or expired a day ago proves nothing any more; nor does the text
        // that carried it (kept, without the code, as the record of a message sent).
        ("DELETE FROM phone_codes WHERE expires_at < $1", day_ago),
        (
            "UPDATE sms_outbox SET body = '' WHERE expires_at < $1 AND body <> ''",
            day_ago,
        ),
        // Past the vote rate limit's window, an attempt counts for nothing.
        (
            "DELETE FROM vote_attempts WHERE at < $1",
            now - chrono::Duration::minutes(app::vote::rules::RATE_WINDOW_MINUTES),
        ),
    ] {
        db.execute_raw(Statement::from_sql_and_values(backend, sql, [at.into()]))
            .await?;
    }
    Ok(())
}
