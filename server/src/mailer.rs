//! Delivers the outbox over SMTP. A failure leaves the message in the outbox with a later retry.

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::DatabaseConnection;

use crate::config::{SmtpConfig, SmtpSecurity};

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// A mailer for `config`'s server; its TLS also trusts the certificates in `city_ca` (PEM,
    /// the city's own certificate authority), beside the public ones.
    pub fn new(config: &SmtpConfig, city_ca: Option<&[u8]>) -> anyhow::Result<Mailer> {
        let tls = || -> anyhow::Result<TlsParameters> {
            let mut params = TlsParameters::builder(config.host.clone());
            if let Some(pem) = city_ca {
                params = params.add_root_certificate(Certificate::from_pem(pem)?);
            }
            Ok(params.build_rustls()?)
        };
        let plain = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host);
        let mut builder = match config.security {
            SmtpSecurity::None => plain,
            SmtpSecurity::StartTls => plain.tls(Tls::Required(tls()?)),
            SmtpSecurity::Tls => plain.tls(Tls::Wrapper(tls()?)),
        }
        .port(config.port)
        .timeout(Some(std::time::Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from: config.from.parse()?,
        })
    }

    /// Sends what is due; returns how many were delivered.
    pub async fn deliver_due(&self, db: &DatabaseConnection) -> anyhow::Result<usize> {
        let due = app::mail::service::claim_due(db, 20)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
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
                Ok(()) => {
                    app::mail::service::mark_sent(db, message)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    sent += 1;
                }
                Err(err) => {
                    tracing::warn!(id = message.id, error = %err, "email not delivered; will retry");
                    app::mail::service::mark_failed(db, message, &err.to_string())
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                }
            }
        }
        Ok(sent)
    }

    async fn send(&self, message: &app::mail::entity::Model) -> anyhow::Result<()> {
        let email = Message::builder()
            .from(self.from.clone())
            .to(message.to_email.parse()?)
            .subject(message.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body_text.clone())?;
        self.transport.send(email).await?;
        Ok(())
    }
}

pub async fn run_once(config: &SmtpConfig, db: &DatabaseConnection) -> anyhow::Result<usize> {
    Mailer::new(config, None)?.deliver_due(db).await
}
