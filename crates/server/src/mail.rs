//! E-mail for meldingen (issue 12): when SMTP is configured, `ave serve` delivers the outbox
//! in the background — one e-mail per melding to the person's address. The e-mail holds no
//! personal data and not even the case id: only that there is a new melding, and a link to
//! `<base_url>/meldingen` where the person logs in to read it.
//!
//! The outbox is in the database, so nothing is lost on a restart. An e-mail that cannot be
//! delivered is tried again later, waiting longer each time ([`backoff`]), up to
//! [`ave_store::notifications::MAX_ATTEMPTS`] attempts; the melding stays in the inbox
//! either way. Before sending, a server claims the e-mail, so two servers on one PostgreSQL
//! database do not both send it.

use std::fmt;
use std::time::Duration;

use ave_store::Store;
use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailTls {
    /// None (only for a relay on the same machine or a test server).
    None,
    /// STARTTLS after connecting (usually port 587); required, not opportunistic.
    StartTls,
    /// TLS from the start (usually port 465).
    Tls,
}

impl MailTls {
    /// The name in the configuration: `none`, `starttls` or `tls`.
    pub fn as_str(self) -> &'static str {
        match self {
            MailTls::None => "none",
            MailTls::StartTls => "starttls",
            MailTls::Tls => "tls",
        }
    }

    /// The mode for a name in the configuration.
    pub fn parse(text: &str) -> Option<MailTls> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" | "geen" => Some(MailTls::None),
            "starttls" => Some(MailTls::StartTls),
            "tls" => Some(MailTls::Tls),
            _ => None,
        }
    }
}

/// The SMTP settings (`[smtp]` in the configuration file). `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// The SMTP server.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// The sender, e.g. `AVE-regie <noreply@gemeente.example>`.
    pub from: String,
    /// How the connection is secured.
    pub tls: MailTls,
    /// The user name, when the server asks for a login.
    pub username: Option<String>,
    /// The password (from `AVE_SMTP_PASSWORD`); never shown.
    pub password: Option<String>,
    /// The site's address as people reach it (`https://ave.gemeente.example`); the link in
    /// the e-mail is this with `/meldingen`.
    pub base_url: String,
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl MailConfig {
    /// Checks the settings; the reason in Dutch.
    pub fn check(&self) -> Result<(), String> {
        if self.host.trim().is_empty() {
            return Err("smtp: geef de host van de SMTP-server".to_owned());
        }
        self.from
            .parse::<Mailbox>()
            .map_err(|_| format!("smtp: afzender {:?} is geen geldig e-mailadres", self.from))?;
        let url = self.base_url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 9 {
            return Err(format!(
                "smtp: base_url {url:?} is geen adres van de site (https://…)"
            ));
        }
        if self.username.is_some() && self.password.is_none() {
            return Err(
                "smtp: bij een gebruikersnaam hoort een wachtwoord (AVE_SMTP_PASSWORD)".to_owned(),
            );
        }
        Ok(())
    }

    /// The link in every e-mail.
    pub fn link(&self) -> String {
        format!("{}/meldingen", self.base_url.trim().trim_end_matches('/'))
    }
}

/// The subject of every e-mail.
pub const SUBJECT: &str = "Nieuwe melding in AVE-regie";

/// The body of every e-mail: no personal data, no case id — only the link.
pub fn body(link: &str) -> String {
    format!(
        "Er is een nieuwe melding voor u in AVE-regie.\n\n\
         Meld u aan om de melding te lezen:\n{link}\n\n\
         Dit bericht bevat bewust geen gegevens over de casus.\n\
         U ontvangt het omdat uw e-mailadres in AVE-regie staat.\n"
    )
}

/// How long to wait after the `attempts`-th failed attempt: 30 seconds, doubling, at most
/// six hours.
pub fn backoff(attempts: u64) -> chrono::Duration {
    let secs = 30u64.saturating_mul(1u64 << attempts.min(20)).min(6 * 3600);
    chrono::Duration::seconds(i64::try_from(secs).unwrap_or(6 * 3600))
}

/// How long a claimed e-mail is left to one attempt before another may try.
const CLAIM: chrono::Duration = chrono::Duration::minutes(5);

/// How often the outbox is looked at.
pub const POLL: Duration = Duration::from_secs(5);

/// What a delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// E-mails sent.
    pub sent: u64,
    /// E-mails that failed (tried again later).
    pub failed: u64,
}

/// Sends the outbox's e-mails over SMTP.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    link: String,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("link", &self.link)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `config` (checked); connects only when sending.
    pub fn new(config: &MailConfig) -> Result<Mailer, String> {
        config.check()?;
        let from = config.from.parse::<Mailbox>().map_err(|_| {
            format!(
                "smtp: afzender {:?} is geen geldig e-mailadres",
                config.from
            )
        })?;
        let host = config.host.trim();
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned())
                .map_err(|e| format!("smtp: TLS voor {host} is niet in te stellen: {e}"))
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.port)
            .timeout(Some(Duration::from_secs(20)));
        builder = match config.tls {
            MailTls::None => builder.tls(Tls::None),
            MailTls::StartTls => builder.tls(Tls::Required(tls(host)?)),
            MailTls::Tls => builder.tls(Tls::Wrapper(tls(host)?)),
        };
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            link: config.link(),
        })
    }

    /// Delivers the e-mails due at `now` (at most `limit`): each is claimed, sent, and
    /// marked sent — or its failure recorded with the next attempt after [`backoff`].
    pub async fn deliver_due(
        &self,
        store: &Store,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Round, ave_store::StoreError> {
        let mut round = Round::default();
        for mail in store.due_mail(now, limit).await? {
            if !store
                .claim_mail(&mail.notification, now, now + CLAIM)
                .await?
            {
                continue;
            }
            match self.send(&mail.email).await {
                Ok(()) => {
                    store.mail_sent(&mail.notification, now).await?;
                    round.sent += 1;
                }
                Err(reason) => {
                    // The address is personal data: the log names the melding only.
                    tracing::warn!(melding = %mail.notification, poging = mail.attempts + 1, "e-mail niet afgeleverd: {reason}");
                    store
                        .mail_failed(&mail.notification, &reason, now + backoff(mail.attempts))
                        .await?;
                    round.failed += 1;
                }
            }
        }
        Ok(round)
    }

    async fn send(&self, to: &str) -> Result<(), String> {
        let to = to
            .parse::<Mailbox>()
            .map_err(|_| "het e-mailadres van de ontvanger is ongeldig".to_owned())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(SUBJECT)
            .header(ContentType::TEXT_PLAIN)
            .body(body(&self.link))
            .map_err(|e| format!("het bericht is niet op te stellen: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("de SMTP-server: {e}"))
    }
}

/// Starts delivering the outbox on the current Tokio runtime, every [`POLL`]; stops when
/// the returned handle is aborted.
pub fn start(store: Store, mailer: Mailer) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = mailer.deliver_due(&store, crate::now(), 100).await {
                tracing::error!("e-mail: de uitgaande berichten zijn niet te lezen: {e}");
            }
            tokio::time::sleep(POLL).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_and_is_capped() {
        assert_eq!(backoff(0).num_seconds(), 30);
        assert_eq!(backoff(1).num_seconds(), 60);
        assert_eq!(backoff(30).num_seconds(), 6 * 3600);
    }

    #[test]
    fn the_password_is_not_shown_and_a_bad_sender_is_refused() {
        let mut c = MailConfig {
            host: "smtp.example".to_owned(),
            port: 587,
            from: "AVE-regie <noreply@gemeente.example>".to_owned(),
            tls: MailTls::StartTls,
            username: Some("ave".to_owned()),
            password: Some("geheim-wachtwoord".to_owned()),
            base_url: "https://ave.gemeente.example/".to_owned(),
        };
        assert!(!format!("{c:?}").contains("geheim"));
        assert!(c.check().is_ok());
        assert_eq!(c.link(), "https://ave.gemeente.example/meldingen");
        c.from = "geen adres".to_owned();
        assert!(c.check().is_err());
    }
}
