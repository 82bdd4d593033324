//! The rules of accounts as plain functions: what a valid email, name and password are, and how
//! many sign-in tries each kind of caller has.

#[cfg(feature = "ssr")]
use chrono::Duration;

#[cfg(feature = "ssr")]
use crate::auth::throttle::Limit;

use crate::error::FieldError;

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const NAME_MAX_CHARS: usize = 80;

/// Tries on one account from browsers that never signed in to it, per quarter hour and per day:
/// a stranger guesses some 20 passwords a day, and the owner's own browsers keep their tries.
#[cfg(feature = "ssr")]
pub const SIGN_IN_STRANGERS: Limit = Limit::new("sign_in_account", 5, Duration::minutes(15));
#[cfg(feature = "ssr")]
pub const SIGN_IN_STRANGERS_PER_DAY: Limit =
    Limit::new("sign_in_account_day", 20, Duration::days(1));
/// Wrong passwords from one network address, on any accounts, per quarter hour (strangers'
/// tries from one address are checked one at a time, so a burst stops at the limit).
#[cfg(feature = "ssr")]
pub const SIGN_IN_PER_ADDRESS: Limit = Limit::new("sign_in_address", 20, Duration::minutes(15));
/// Tries from one browser that signed in to the account before, per quarter hour.
#[cfg(feature = "ssr")]
pub const SIGN_IN_PER_BROWSER: Limit = Limit::new("sign_in_browser", 10, Duration::minutes(15));
/// Accounts made from one network address in an hour (`max` from the settings, 30 unless
/// told): a ward's help desk registering its citizens one after another stays within; a script
/// making a thousand does not.
#[cfg(feature = "ssr")]
pub const fn registrations_per_address(max: i64) -> Limit {
    Limit::new("register_address", max, Duration::hours(1))
}
/// Invitations (to a team, to a panel) one account sends in a day: each is an email to someone
/// who did not ask for it.
#[cfg(feature = "ssr")]
pub const INVITATIONS_PER_DAY: Limit = Limit::new("invitations", 50, Duration::days(1));
/// Invitations sent from one network address in an hour, whoever signs them: someone with a
/// thousand accounts still sends no more than this from one place.
#[cfg(feature = "ssr")]
pub const INVITATIONS_PER_ADDRESS: Limit =
    Limit::new("invitations_address", 100, Duration::hours(1));
/// Invitations one mailbox is sent in a day, by anyone: nobody's inbox (or list of
/// notifications) is filled by many accounts inviting it.
#[cfg(feature = "ssr")]
pub const INVITATIONS_PER_MAILBOX: Limit = Limit::new("invitations_mailbox", 10, Duration::days(1));

/// The current password asked again (to change it, or to delete the account): five wrong a
/// quarter hour per account, so that a session left open on a shared computer is no way to
/// guess it.
#[cfg(feature = "ssr")]
pub const PASSWORD_RECHECKS: Limit = Limit::new("password_recheck", 5, Duration::minutes(15));

/// Join codes one account tries in a day. A code is 8 letters of 31: at this pace, guessing any
/// one of a thousand teams' codes would take millions of years.
#[cfg(feature = "ssr")]
pub const JOIN_CODE_TRIES_PER_DAY: Limit = Limit::new("join_code", 20, Duration::days(1));

/// Wrong join codes from one network address in an hour (only wrong ones count: a class that
/// joins its teams together from one school address is not held back).
#[cfg(feature = "ssr")]
pub const WRONG_JOIN_CODES_PER_ADDRESS: Limit =
    Limit::new("join_code_address", 60, Duration::hours(1));

static COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// The address a deleted account is left with: no mailbox, nobody's.
pub fn deleted_address(user_id: i64) -> String {
    format!("deleted-{user_id}@deleted.invalid")
}

/// Whether `email` is what a deleted account is left with.
pub fn is_deleted_address(email: &str) -> bool {
    email.ends_with("@deleted.invalid")
}

/// What a person signs in with: an email address, or a Vietnamese mobile number (in its
/// international form). Either identifies one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Login {
    Email(String),
    Phone(String),
}

impl Login {
    /// Reads the "email or phone number" field of a sign-up: an address if it has an `@`, a
    /// mobile number if it is made of digits and the signs numbers are written with; refused in
    /// words otherwise (`field` names the form field).
    pub fn parse(field: &str, raw: &str) -> Result<Login, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::new(field, "error.login_required"));
        }
        if raw.contains('@') {
            let email = normalise_email(raw);
            return check_email(&email)
                .map(|()| Login::Email(email))
                .map_err(|e| FieldError::new(field, &e.key));
        }
        if raw.chars().any(|c| c.is_ascii_digit()) && !raw.chars().any(char::is_alphabetic) {
            return crate::sms::rules::normalise_phone(raw)
                .map(Login::Phone)
                .map_err(|e| FieldError::new(field, &e.key));
        }
        Err(FieldError::new(field, "error.login_invalid"))
    }

    /// Reads the field of a sign-in or a code, where a wrong answer must not say what was
    /// wrong: a mobile number if it reads as one, an email address otherwise (one nobody has,
    /// if it is not one).
    pub fn read(raw: &str) -> Login {
        match crate::sms::rules::normalise_phone(raw) {
            Ok(phone) if !raw.contains('@') => Login::Phone(phone),
            _ => Login::Email(normalise_email(raw)),
        }
    }

    /// The login as one string: the address, or the number in its international form (the two
    /// cannot be mistaken for each other). Limits on codes and sign-ins count against it.
    pub fn key(&self) -> &str {
        match self {
            Login::Email(email) => email,
            Login::Phone(phone) => phone,
        }
    }

    /// The login as its owner writes it: the address, or the number as `0912 345 678`.
    pub fn shown(&self) -> String {
        match self {
            Login::Email(email) => email.clone(),
            Login::Phone(phone) => crate::sms::rules::display_phone(phone),
        }
    }

    /// The login half hidden (`l•••@example.vn`, `0••• ••• 678`): enough for whoever already
    /// knows it to recognise it, too little to learn it from.
    pub fn masked(&self) -> String {
        match self {
            Login::Email(email) => match email.split_once('@') {
                Some((local, domain)) => {
                    let first: String = local.chars().take(1).collect();
                    format!("{first}•••@{domain}")
                }
                None => "•••".to_owned(),
            },
            Login::Phone(phone) => crate::sms::rules::masked_phone(phone),
        }
    }

    pub fn is_phone(&self) -> bool {
        matches!(self, Login::Phone(_))
    }
}

/// Emails are compared in lower case and without surrounding spaces.
pub fn normalise_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// The mailbox behind an address (already [`normalise_email`]d): the local part without a
/// `+tag`; at Gmail, without dots, and googlemail.com as gmail.com. `lan+1@gmail.com`,
/// `l.an@googlemail.com` and `lan@gmail.com` reach one mailbox, so they make one account: a
/// thousand addresses written on one mailbox are not a thousand voters.
pub fn mailbox_key(email: &str) -> String {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return email.to_owned();
    };
    let local = local.split('+').next().unwrap_or(local);
    match domain {
        "gmail.com" | "googlemail.com" => format!("{}@gmail.com", local.replace('.', "")),
        _ => format!("{local}@{domain}"),
    }
}

/// The digest kept of a person's mailbox where the person must be known again after their
/// account is gone (a departure from a team or from an organisation's staff): SHA-256 of its
/// [`mailbox_key`], never the address itself.
#[cfg(feature = "ssr")]
pub fn mailbox_hash(email: &str) -> String {
    crate::token::sha256_hex(&mailbox_key(&normalise_email(email)))
}

pub fn check_email(email: &str) -> Result<(), FieldError> {
    let invalid = || FieldError::new("email", "error.email_invalid");
    if email.is_empty() || email.len() > 254 || email.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@');
    if local.is_empty() || !domain_ok {
        return Err(invalid());
    }
    Ok(())
}

pub fn check_display_name(name: &str) -> Result<(), FieldError> {
    let count = name.chars().count();
    if !(2..=NAME_MAX_CHARS).contains(&count) || name.chars().any(char::is_control) {
        return Err(FieldError::new("display_name", "error.display_name_length")
            .with("max", NAME_MAX_CHARS));
    }
    Ok(())
}

/// Checks a new password; `field` is the form field it came from, `login` the account's address
/// or number ([`Login::key`]), which the password must not be.
pub fn check_new_password(field: &str, password: &str, login: &str) -> Result<(), FieldError> {
    let count = password.chars().count();
    if count < PASSWORD_MIN_CHARS {
        return Err(
            FieldError::new(field, "error.password_too_short").with("min", PASSWORD_MIN_CHARS)
        );
    }
    if count > PASSWORD_MAX_CHARS {
        return Err(
            FieldError::new(field, "error.password_too_long").with("max", PASSWORD_MAX_CHARS)
        );
    }
    let lowered = password.trim().to_lowercase();
    let is_the_login = lowered == login
        || (login.starts_with("+84")
            && crate::sms::rules::normalise_phone(&lowered).as_deref() == Ok(login));
    if is_the_login
        || COMMON_PASSWORDS
            .lines()
            .any(|common| common.trim() == lowered)
    {
        return Err(FieldError::new(field, "error.password_common"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_written_on_one_mailbox_have_one_key() {
        for alias in [
            "lan@gmail.com",
            "lan+bau-chon@gmail.com",
            "l.a.n@gmail.com",
            "l.an+1@googlemail.com",
        ] {
            assert_eq!(mailbox_key(alias), "lan@gmail.com", "{alias}");
        }
        assert_eq!(mailbox_key("lan+1@tayninh.gov.vn"), "lan@tayninh.gov.vn");
        assert_eq!(
            mailbox_key("l.an@tayninh.gov.vn"),
            "l.an@tayninh.gov.vn",
            "dots count elsewhere"
        );
        assert_eq!(mailbox_key("khong-hop-le"), "khong-hop-le");
    }

    #[test]
    fn a_login_half_hidden_keeps_what_recognises_it() {
        assert_eq!(Login::read("lan@example.vn").masked(), "l•••@example.vn");
        assert_eq!(Login::read("0912 345 678").masked(), "0••• ••• 678");
    }

    #[test]
    fn emails_are_trimmed_and_lowered_and_must_look_like_emails() {
        assert_eq!(
            normalise_email("  Lan.Nguyen@Example.VN "),
            "lan.nguyen@example.vn"
        );
        assert!(check_email("lan@example.vn").is_ok());
        for bad in [
            "",
            "lan",
            "lan@",
            "@example.vn",
            "lan@example",
            "lan @example.vn",
            "a@b@c.vn",
        ] {
            assert!(check_email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn a_short_or_common_password_is_refused() {
        assert_eq!(
            check_new_password("password", "ngắn", "a@b.vn")
                .unwrap_err()
                .key,
            "error.password_too_short"
        );
        assert_eq!(
            check_new_password("password", "1234567890", "a@b.vn")
                .unwrap_err()
                .key,
            "error.password_common"
        );
        assert_eq!(
            check_new_password("password", "Password123", "a@b.vn")
                .unwrap_err()
                .key,
            "error.password_common"
        );
        assert!(check_new_password("password", "sông Hương chiều thu", "a@b.vn").is_ok());
    }

    #[test]
    fn a_password_that_is_the_email_is_refused() {
        assert!(check_new_password("password", "lan@example.vn", "lan@example.vn").is_err());
    }

    #[test]
    fn a_login_is_an_address_or_a_mobile_number_however_written() {
        for written in [
            "0912 345 678",
            "+84912345678",
            "84-912-345-678",
            " 0912.345.678 ",
        ] {
            assert_eq!(
                Login::parse("email", written),
                Ok(Login::Phone("+84912345678".into())),
                "{written}"
            );
            assert_eq!(Login::read(written), Login::Phone("+84912345678".into()));
        }
        assert_eq!(
            Login::parse("email", " Lan@Example.VN "),
            Ok(Login::Email("lan@example.vn".into()))
        );
        let refused = |raw: &str| Login::parse("email", raw).unwrap_err().key;
        assert_eq!(refused(""), "error.login_required");
        assert_eq!(refused("lan"), "error.login_invalid");
        assert_eq!(refused("lan@"), "error.email_invalid");
        assert_eq!(
            refused("024 3825 1234"),
            "error.phone_invalid",
            "a landline"
        );
        assert_eq!(
            refused("+33 6 12 34 56 78"),
            "error.phone_invalid",
            "abroad"
        );
        assert_eq!(
            Login::parse("email", "0912345678").unwrap().shown(),
            "0912 345 678"
        );
        // A sign-in reads anything, and finds nobody behind what is neither.
        assert_eq!(Login::read("lan"), Login::Email("lan".into()));
    }

    #[test]
    fn a_password_that_is_the_phone_number_is_refused() {
        assert!(check_new_password("password", "0912 345 678", "+84912345678").is_err());
        assert!(check_new_password("password", "+84912345678", "+84912345678").is_err());
        assert!(check_new_password("password", "0912 345 678 và nhà", "+84912345678").is_ok());
    }

    #[test]
    fn display_names_need_two_to_eighty_characters() {
        assert!(check_display_name("Lê").is_ok());
        assert!(check_display_name("L").is_err());
        assert!(check_display_name(&"a".repeat(81)).is_err());
    }
}
