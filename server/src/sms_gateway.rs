//! Sends the SMS outbox through eSMS (esms.vn), a gateway Vietnamese agencies use: one JSON
//! request per message to its customer-care API, with the message's own request id each time,
//! so that a try whose answer was lost is recognised rather than sent twice (`124`); a try the
//! gateway answered no to goes next under a new id, which it cannot take for one it sent. What
//! the answer means is `app::sms::rules::esms_outcome`; a message waits (the outbox's back-off)
//! when the gateway or the account is unwell, and is given up when the number can never
//! receive it. The site sends at most `per_day` messages a day, codes at most three quarters of
//! them; the rest wait for the next.

use std::time::Duration;

use app::sms::rules::{Outcome, esms_outcome};
use app::sms::service::Failed;
use chrono::Utc;
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use crate::config::SmsConfig;

pub struct Gateway {
    config: SmsConfig,
    http: reqwest::Client,
}

/// eSMS's answer (the fields it documents; it sends others too).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    code_result: Option<String>,
    #[serde(rename = "SMSID")]
    sms_id: Option<String>,
    error_message: Option<String>,
}

/// The messages of a day's cap that codes may take.
fn code_share(per_day: u64) -> u64 {
    per_day * 3 / 4
}

impl Gateway {
    pub fn new(config: &SmsConfig, city_ca: Option<&[u8]>) -> anyhow::Result<Self> {
        let mut http = reqwest::Client::builder().timeout(Duration::from_secs(20));
        if let Some(pem) = city_ca {
            for certificate in reqwest::Certificate::from_pem_bundle(pem)? {
                http = http.add_root_certificate(certificate);
            }
        }
        Ok(Gateway {
            config: config.clone(),
            http: http.build()?,
        })
    }

    /// Sends what is due, within the day's cap; returns how many the gateway took.
    pub async fn deliver_due(&self, db: &DatabaseConnection) -> anyhow::Result<usize> {
        let err = |e: app::error::AppError| anyhow::anyhow!("{e}");
        let day_start = Utc::now() - chrono::Duration::days(1);
        let (sent_today, codes_today) = app::sms::service::sent_since(db, day_start)
            .await
            .map_err(err)?;
        let room = self.config.per_day.saturating_sub(sent_today);
        if room == 0 {
            return Ok(0);
        }
        // Codes, which anyone may ask for, take at most three quarters of the day: the answers
        // and updates people wait for always have the rest.
        let code_room = code_share(self.config.per_day).saturating_sub(codes_today);
        let due = app::sms::service::claim_due(db, room.min(20), code_room.min(room))
            .await
            .map_err(err)?;
        let mut sent = 0;
        for mut message in due {
            // A slow batch may have outlasted its claim: another instance sends what it took.
            if !app::sql::renew_outbox_claim(db, &mut message)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                continue;
            }
            match self.send(&message).await {
                Outcome::Sent(provider_id) => {
                    app::sms::service::mark_sent(db, message, provider_id)
                        .await
                        .map_err(err)?;
                    sent += 1;
                }
                Outcome::Retry(why) => {
                    tracing::warn!(id = message.id, error = %why, "SMS not sent; will retry");
                    app::sms::service::mark_failed(db, message, &why, Failed::Unanswered)
                        .await
                        .map_err(err)?;
                }
                Outcome::Refused(why) => {
                    tracing::warn!(id = message.id, error = %why, "SMS refused; will retry");
                    app::sms::service::mark_failed(db, message, &why, Failed::Refused)
                        .await
                        .map_err(err)?;
                }
                Outcome::Wait(why) => {
                    // The account, not the message: the rest of the batch would meet the same.
                    tracing::error!(id = message.id, error = %why, "the SMS account cannot send; messages wait");
                    app::sms::service::mark_waiting(db, message, &why)
                        .await
                        .map_err(err)?;
                    break;
                }
                Outcome::GiveUp(why) => {
                    tracing::warn!(id = message.id, error = %why, "SMS given up");
                    app::sms::service::mark_failed(db, message, &why, Failed::ForGood)
                        .await
                        .map_err(err)?;
                }
            }
        }
        Ok(sent)
    }

    async fn send(&self, message: &app::sms::entity::outbox::Model) -> Outcome {
        let body = serde_json::json!({
            "ApiKey": self.config.api_key,
            "SecretKey": self.config.secret_key.expose(),
            // eSMS takes the number as Vietnamese phones write it.
            "Phone": message.to_phone.replacen("+84", "0", 1),
            "Content": message.body,
            "Brandname": self.config.brandname,
            "SmsType": "2",
            "IsUnicode": "1",
            "Sandbox": if self.config.sandbox { "1" } else { "0" },
            "RequestId": message.request_id,
        });
        let answer = match self.http.post(&self.config.url).json(&body).send().await {
            Ok(answer) => answer,
            Err(e) => return Outcome::Retry(format!("eSMS unreachable: {e}")),
        };
        let status = answer.status();
        if !status.is_success() {
            return Outcome::Retry(format!("eSMS answered HTTP {status}"));
        }
        match answer.json::<Answer>().await {
            Ok(Answer {
                code_result: Some(code),
                sms_id,
                error_message,
            }) => esms_outcome(&code, sms_id.as_deref(), error_message.as_deref()),
            Ok(_) => Outcome::Retry("eSMS answered without a CodeResult".into()),
            Err(e) => Outcome::Retry(format!("eSMS answer unreadable: {e}")),
        }
    }
}
