//! Accounts on the database side: registration, one-time codes, sign-in with lockout, passwords.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};

use super::entity::{email_code, trusted_device};
use super::rules::{self, Login};
use crate::auth::entity::user;
use crate::auth::password;
use crate::auth::throttle::{self, Limit};
use crate::error::{AppError, FieldError};
use crate::i18n::{Locale, k};
use crate::links::Links;
use crate::token;

pub const CODE_MINUTES: i64 = 30;
/// The cookie that tells a browser apart for sign-in limits, and how long it lasts.
pub const DEVICE_COOKIE: &str = "vidan_device";
pub const DEVICE_DAYS: i64 = 365;
/// Tries of one code, the right one included.
pub const CODE_MAX_ATTEMPTS: i32 = 5;
/// Tries of any code for one email address a day, across new codes: with eight digits, guessing
/// one account's code would take some 27,000 years.
pub const CODE_GUESSES_PER_DAY: Limit = Limit::new("code_guess", 10, Duration::days(1));
/// Wrong codes from one network address an hour, across accounts.
pub const CODE_GUESSES_PER_ADDRESS: Limit = Limit::new("code_guess_ip", 30, Duration::hours(1));
/// Emails (codes, "already registered" notices) that anyone may have sent to one address a day.
pub const MAILS_PER_ADDRESS_PER_DAY: Limit = Limit::new("code_mail", 6, Duration::days(1));
/// Requests for a code email (a new verification code, a password reset) from one network
/// address an hour, whatever the addresses asked for: nobody sends six mails a day to each of a
/// thousand mailboxes from one place. Counted before anything is looked up, so the refusal
/// says nothing about any account.
pub const CODE_MAILS_PER_NETWORK: Limit = Limit::new("code_mail_ip", 20, Duration::hours(1));

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodePurpose {
    Verify,
    Reset,
    /// Setting up two-step sign-in for an account whose office waits for it.
    TwoStep,
}

impl CodePurpose {
    fn code(self) -> &'static str {
        match self {
            CodePurpose::Verify => "verify",
            CodePurpose::Reset => "reset",
            CodePurpose::TwoStep => "two_step",
        }
    }
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

/// The account an email address or a phone number identifies.
pub async fn find_by_login(
    db: &impl ConnectionTrait,
    login: &Login,
) -> Result<Option<user::Model>, AppError> {
    match login {
        Login::Email(email) => find_by_email(db, email).await,
        Login::Phone(phone) => Ok(user::Entity::find()
            .filter(user::Column::Phone.eq(phone.as_str()))
            .one(db)
            .await?),
    }
}

/// The one string that names the person behind an account where roles are checked by address
/// (invitations, the departures kept after an account is gone): its email address, or else its
/// phone number (which no invitation is sent to).
pub fn identity(account: &user::Model) -> &str {
    account
        .email
        .as_deref()
        .or(account.phone.as_deref())
        .unwrap_or_default()
}

/// Whether `login` is proved on `account` (its code was answered).
pub fn proved(account: &user::Model, login: &Login) -> bool {
    match login {
        Login::Email(_) => account.email_verified_at.is_some(),
        Login::Phone(_) => account.phone_verified_at.is_some(),
    }
}

/// Whatever the account can be reached at, for a code or a notice: its address, or else its
/// number.
pub fn reachable_at(account: &user::Model) -> Option<Login> {
    match (&account.email, &account.phone) {
        (Some(email), _) if !rules::is_deleted_address(email) => Some(Login::Email(email.clone())),
        (_, Some(phone)) => Some(Login::Phone(phone.clone())),
        _ => None,
    }
}

pub struct Registration {
    /// An email address or a mobile number, as typed.
    pub login: String,
    pub display_name: String,
    pub password: String,
    pub locale: Locale,
}

/// Creates an unverified account and sends a code to the address or number it was made with. An
/// address or number that already has an account gets a notice instead, and the caller sees the
/// same answer either way (no one learns who is here). Answers with the login, as given.
pub async fn register(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &Links,
    requester: &crate::auth::Requester,
    form: Registration,
) -> Result<Login, AppError> {
    let login = Login::parse("email", &form.login);
    let display_name = form.display_name.trim().to_owned();
    let password_checked = match &login {
        Ok(login) => rules::check_new_password("password", &form.password, login.key()),
        Err(_) => rules::check_new_password("password", &form.password, ""),
    };
    let errors: Vec<FieldError> = [
        login.clone().map(|_| ()),
        rules::check_display_name(&display_name),
        password_checked,
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    let login = match login {
        Ok(login) if errors.is_empty() => login,
        _ => return Err(AppError::Invalid(errors)),
    };
    // Hash before looking the login up, so both paths cost the same.
    let hash = password::hash(form.password).await?;
    // Looked up before the transaction, whose first statement is then a write: on SQLite a
    // transaction that reads and then writes fails at once (no waiting) when another connection
    // wrote in between; one that starts by writing waits its turn.
    // The same mailbox under another spelling (`+tag`, Gmail's dots) is the same person.
    let mailbox = match &login {
        Login::Email(email) => Some(rules::mailbox_key(email)),
        Login::Phone(_) => None,
    };
    let existing = match (find_by_login(db, &login).await?, &mailbox) {
        (Some(found), _) => Some(found),
        (None, Some(mailbox)) => {
            user::Entity::find()
                .filter(user::Column::MailboxKey.eq(mailbox))
                .one(db)
                .await?
        }
        (None, None) => None,
    };
    let txn = crate::group_commit::begin_writing(db).await?;
    if let Some(existing) = existing {
        tell_already_registered(&txn, links, &existing, &login).await?;
        txn.commit().await?;
        return Ok(login);
    }
    let (email, phone) = match &login {
        Login::Email(email) => (Some(email.clone()), None),
        Login::Phone(phone) => (None, Some(phone.clone())),
    };
    let account = user::ActiveModel {
        email: Set(email),
        mailbox_key: Set(mailbox),
        phone: Set(phone),
        phone_verified_at: Set(None),
        display_name: Set(display_name),
        password_hash: Set(hash),
        email_verified_at: Set(None),
        is_admin: Set(false),
        locale: Set(form.locale.code().to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let account = match account {
        Ok(account) => account,
        // Registered by a simultaneous request: that one sends the code; the answer is the same.
        Err(err) if crate::error::is_unique_violation(&err) => return Ok(login),
        Err(err) => return Err(err.into()),
    };
    send_code(&txn, links, &account, CodePurpose::Verify, &login).await?;
    crate::audit::service::Record::new("account.register", "user", Some(account.id))
        .by_requester(requester)
        .details(serde_json::json!({ "by_phone": login.is_phone() }))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(login)
}

/// Something to tell an account's owner, as an email and as a text message.
pub struct Message<'a> {
    pub kind: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The same, short enough for a text message.
    pub text: &'a str,
}

/// Tells the owner of `account` something that happened to it: by email to its address, or by
/// text message to its number if it has no address.
pub async fn tell_owner(
    db: &impl ConnectionTrait,
    account: &user::Model,
    message: Message<'_>,
) -> Result<(), AppError> {
    match reachable_at(account) {
        Some(Login::Email(email)) => {
            crate::mail::service::enqueue(db, &email, message.kind, message.subject, message.body)
                .await
        }
        Some(Login::Phone(phone)) => {
            crate::sms::service::enqueue_for_account(db, &phone, message.kind, message.text)
                .await?;
            Ok(())
        }
        None => Ok(()),
    }
}

/// Tells the owner of `existing` that someone tried to register with their address or number
/// (`login`): an email, or a text message. Counted against the owner's own address or number
/// (whichever spelling of it was typed: `lan+1@`, `lan+2@`…) with the codes it is sent; once
/// they have had their notices today, nothing more is sent, and the answer stays the same.
async fn tell_already_registered(
    txn: &impl ConnectionTrait,
    links: &Links,
    existing: &user::Model,
    login: &Login,
) -> Result<(), AppError> {
    let owned = match login {
        Login::Email(_) => existing.email.clone().map(Login::Email),
        Login::Phone(_) => Some(login.clone()),
    };
    let Some(owned) = owned else {
        return Ok(());
    };
    if throttle::hit(txn, MAILS_PER_ADDRESS_PER_DAY, owned.key())
        .await
        .is_err()
    {
        return Ok(());
    }
    let locale = Locale::from_code(&existing.locale);
    let link = links.to("/sign-in");
    match login {
        Login::Email(typed) => {
            let body = locale.tf(
                k::MAIL_ALREADY_REGISTERED_BODY,
                &[("name", &existing.display_name), ("link", &link)],
            );
            crate::mail::service::enqueue(
                txn,
                typed,
                "already_registered",
                locale.t(k::MAIL_ALREADY_REGISTERED_SUBJECT),
                &body,
            )
            .await
        }
        Login::Phone(phone) => {
            let body = locale.tf(k::SMS_ALREADY_REGISTERED, &[("link", &link)]);
            crate::sms::service::enqueue_for_account(txn, phone, "already_registered", &body)
                .await?;
            Ok(())
        }
    }
}

/// Replaces any open code of this purpose with a new one and sends it to `to` (the account's
/// address or number, or a number being added to it): by email, or by text message.
pub async fn send_code(
    db: &impl ConnectionTrait,
    links: &Links,
    account: &user::Model,
    purpose: CodePurpose,
    to: &Login,
) -> Result<(), AppError> {
    let code = token::one_time_code();
    let now = Utc::now();
    email_code::Entity::delete_many()
        .filter(email_code::Column::UserId.eq(account.id))
        .filter(email_code::Column::Purpose.eq(purpose.code()))
        .filter(email_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    email_code::ActiveModel {
        user_id: Set(account.id),
        purpose: Set(purpose.code().to_owned()),
        code_hash: Set(token::sha256_hex(&format!("{}:{code}", account.id))),
        attempts: Set(0),
        expires_at: Set(now + Duration::minutes(CODE_MINUTES)),
        used_at: Set(None),
        created_at: Set(now),
        sent_to: Set(Some(to.key().to_owned())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let locale = Locale::from_code(&account.locale);
    let minutes = CODE_MINUTES.to_string();
    let email = match to {
        Login::Email(email) => email,
        Login::Phone(phone) => {
            // A text is short, and carries no link: the code is typed where it was asked for.
            let text = match purpose {
                CodePurpose::Verify => k::SMS_ACCOUNT_VERIFY,
                CodePurpose::Reset => k::SMS_ACCOUNT_RESET,
                CodePurpose::TwoStep => k::SMS_ACCOUNT_TWO_STEP,
            };
            let body = locale.tf(text, &[("code", &code), ("minutes", &minutes)]);
            crate::sms::service::enqueue_for_account(db, phone, purpose.code(), &body).await?;
            return Ok(());
        }
    };
    let email_q = crate::links::url_encode(email);
    let (subject, body_text, path) = match purpose {
        CodePurpose::Verify => (k::MAIL_VERIFY_SUBJECT, k::MAIL_VERIFY_BODY, "verify"),
        CodePurpose::Reset => (k::MAIL_RESET_SUBJECT, k::MAIL_RESET_BODY, "reset-password"),
        CodePurpose::TwoStep => (k::MAIL_TWO_STEP_SUBJECT, k::MAIL_TWO_STEP_BODY, "account"),
    };
    let link = links.to(&format!("/{path}?email={email_q}&code={code}"));
    let body = locale.tf(
        body_text,
        &[
            ("name", &account.display_name),
            ("code", &code),
            ("link", &link),
            ("minutes", &minutes),
        ],
    );
    crate::mail::service::enqueue(
        db,
        email,
        purpose.code(),
        &locale.tf(subject, &[("code", &code)]),
        &body,
    )
    .await
}

/// How long an answer to "send me a code" takes at least, whether the address has an account (a
/// code and an email are written) or not (nothing is): how long it took cannot tell which.
pub const CODE_ANSWER_TAKES: std::time::Duration = std::time::Duration::from_millis(300);

/// Sends a fresh code to the address or number `login` if the last one is more than a minute
/// old (a resend button cannot flood a mailbox or a phone); says nothing about whether the
/// account exists.
pub async fn resend_code(
    db: &impl ConnectionTrait,
    links: &Links,
    login: &str,
    purpose: CodePurpose,
    device: Option<&str>,
) -> Result<(), AppError> {
    let login = Login::read(login);
    let Some(account) = find_by_login(db, &login).await? else {
        return Ok(());
    };
    if purpose == CodePurpose::Verify && proved(&account, &login) {
        return Ok(());
    }
    send_within_limits(db, links, &account, purpose, &login, device).await
}

/// Sends `account` a code for `purpose` to `to` if its last one is more than a minute old and
/// the address or number has not had its codes today (the owner's own browser has a day of its
/// own); nothing otherwise, and nobody is told which.
pub async fn send_within_limits(
    db: &impl ConnectionTrait,
    links: &Links,
    account: &user::Model,
    purpose: CodePurpose,
    to: &Login,
    device: Option<&str>,
) -> Result<(), AppError> {
    // A code to the same place still unused and less than a minute old is on its way; a used
    // one asks for a new. (Codes from before numbers name no place: they went to the address.)
    let last = email_code::Entity::find()
        .filter(email_code::Column::UserId.eq(account.id))
        .filter(email_code::Column::Purpose.eq(purpose.code()))
        .filter(email_code::Column::UsedAt.is_null())
        .order_by_desc(email_code::Column::Id)
        .one(db)
        .await?;
    let same_place = |c: &email_code::Model| match c.sent_to.as_deref() {
        Some(sent_to) => sent_to == to.key(),
        None => !to.is_phone(),
    };
    if last.is_some_and(|c| same_place(&c) && Utc::now() - c.created_at < Duration::minutes(1)) {
        return Ok(());
    }
    let budget = budget_of(db, Some(account), to.key(), device).await?;
    if throttle::hit(db, MAILS_PER_ADDRESS_PER_DAY, &budget)
        .await
        .is_err()
    {
        return Ok(());
    }
    send_code(db, links, account, purpose, to).await
}

/// Who asks for a code or gives one: their network address, and their browser's device token.
#[derive(Clone, Copy, Debug)]
pub struct Asker<'a> {
    pub ip: &'a str,
    pub device: Option<&'a str>,
}

/// The budget an account's codes and code emails count against: strangers share `strangers`
/// (the address, the account), and a browser that proved itself the account's (a right
/// password, a reset code) has one of its own, so strangers who use up the day cannot keep the
/// owner from a code on their own phone.
pub(crate) async fn budget_of(
    db: &impl ConnectionTrait,
    account: Option<&user::Model>,
    strangers: &str,
    device: Option<&str>,
) -> Result<String, AppError> {
    Ok(trusted_device_of(db, account, device)
        .await?
        .unwrap_or_else(|| strangers.to_owned()))
}

/// Checks a code sent to the address or number `login` and marks it used. Every try counts before
/// it is looked at, against the code and the login's day, so tries sent at once cannot outrun
/// those limits; wrong answers count against the caller's network address too. Every wrong
/// answer reads the same, whether the account exists, is verified, or its code expired.
pub async fn consume_code(
    db: &impl ConnectionTrait,
    login: &Login,
    purpose: CodePurpose,
    code: &str,
    asker: Asker<'_>,
) -> Result<user::Model, AppError> {
    let account = find_by_login(db, login).await?;
    consume_code_of(db, account, login, purpose, code, asker).await
}

/// [`consume_code`] for a code of `account` (if there is one) sent to `to`.
pub async fn consume_code_of(
    db: &impl ConnectionTrait,
    account: Option<user::Model>,
    to: &Login,
    purpose: CodePurpose,
    code: &str,
    asker: Asker<'_>,
) -> Result<user::Model, AppError> {
    let address = throttle::address_of(asker.ip);
    // Counted against the address before it is looked at, given back when it is right; a try
    // the day's budget refuses takes nothing of the address's.
    let from_the_address = throttle::hit(db, CODE_GUESSES_PER_ADDRESS, &address).await?;
    let budget = budget_of(db, account.as_ref(), to.key(), asker.device).await?;
    if let Err(refused) = throttle::hit(db, CODE_GUESSES_PER_DAY, &budget).await {
        throttle::give_back(db, from_the_address).await?;
        return Err(refused);
    }
    let checked = check_code(db, account, to, purpose, code).await;
    if checked.is_ok() {
        throttle::give_back(db, from_the_address).await?;
    }
    checked
}

/// [`consume_code`] past its limits.
async fn check_code(
    db: &impl ConnectionTrait,
    account: Option<user::Model>,
    to: &Login,
    purpose: CodePurpose,
    code: &str,
) -> Result<user::Model, AppError> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let wrong = || AppError::invalid("code", "error.code_invalid");
    let account = account.ok_or_else(wrong)?;
    let now = Utc::now();
    // A code went where it proves: the address or number typed (codes from before numbers,
    // which name no place, went to the account's address).
    let sent_there = match to {
        Login::Email(_) => Condition::any()
            .add(email_code::Column::SentTo.eq(to.key()))
            .add(email_code::Column::SentTo.is_null()),
        Login::Phone(_) => Condition::all().add(email_code::Column::SentTo.eq(to.key())),
    };
    let open = email_code::Entity::find()
        .filter(email_code::Column::UserId.eq(account.id))
        .filter(email_code::Column::Purpose.eq(purpose.code()))
        .filter(sent_there)
        .filter(email_code::Column::UsedAt.is_null())
        .filter(email_code::Column::ExpiresAt.gt(now))
        .order_by_desc(email_code::Column::Id)
        .one(db)
        .await?
        .ok_or_else(wrong)?;
    // One statement takes a try from the code, or finds none left.
    let taken = email_code::Entity::update_many()
        .col_expr(
            email_code::Column::Attempts,
            Expr::col(email_code::Column::Attempts).add(1),
        )
        .filter(email_code::Column::Id.eq(open.id))
        .filter(email_code::Column::Attempts.lt(CODE_MAX_ATTEMPTS))
        .filter(email_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    let given: String = code.chars().filter(char::is_ascii_digit).collect();
    let expected = token::sha256_hex(&format!("{}:{given}", account.id));
    if taken.rows_affected != 1 || expected != open.code_hash {
        return Err(wrong());
    }
    // Used once: of two right answers sent at once, one wins.
    let used = email_code::Entity::update_many()
        .col_expr(email_code::Column::UsedAt, Expr::value(now))
        .filter(email_code::Column::Id.eq(open.id))
        .filter(email_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if used.rows_affected != 1 {
        return Err(wrong());
    }
    Ok(account)
}

/// The key under which a browser's device token is trusted for one account.
fn device_key(user_id: i64, device_token: &str) -> String {
    token::sha256_hex(&format!("device:{user_id}:{device_token}"))
}

/// Whether the browser holding `device_token` has signed in to `account` before.
pub(crate) async fn trusted_device_of(
    db: &impl ConnectionTrait,
    account: Option<&user::Model>,
    device_token: Option<&str>,
) -> Result<Option<String>, AppError> {
    let (Some(account), Some(device)) = (account, device_token) else {
        return Ok(None);
    };
    let key = device_key(account.id, device);
    let found = trusted_device::Entity::find_by_id(key.clone())
        .filter(trusted_device::Column::UserId.eq(account.id))
        .one(db)
        .await?;
    Ok(found.map(|_| key))
}

/// Remembers that the browser holding `device_token` proved it is `user_id`'s (a right
/// password, a reset code): its sign-ins are counted apart from strangers' from then on.
pub async fn trust_device(
    db: &impl ConnectionTrait,
    user_id: i64,
    device_token: &str,
) -> Result<(), AppError> {
    let key = device_key(user_id, device_token);
    let now = Utc::now();
    let statement = crate::sql::numbered(
        db.get_database_backend(),
        "INSERT INTO trusted_devices (id, user_id, created_at, last_used_at) VALUES (?1, ?2, ?3, ?3) \
         ON CONFLICT (id) DO UPDATE SET last_used_at = ?3",
        [key.into(), user_id.into(), now.into()],
    );
    db.execute_raw(statement).await?;
    Ok(())
}

/// How the record of sign-in tries names the address typed: a keyed digest of its mailbox, so
/// the record holds no address in the clear (whoever typed it, and whether or not it has an
/// account), and every spelling of one mailbox is one key, forgotten with the account.
pub async fn attempt_key(db: &impl ConnectionTrait, login: &Login) -> Result<String, AppError> {
    let key = crate::site_key::key(db, crate::site_key::Purpose::SignInAddress).await?;
    let named = match login {
        Login::Email(email) => rules::mailbox_key(email),
        Login::Phone(phone) => phone.clone(),
    };
    Ok(key.digest(&named, 64))
}

pub async fn set_password(
    db: &impl ConnectionTrait,
    account: user::Model,
    new_password: String,
) -> Result<user::Model, AppError> {
    let hash = password::hash(new_password).await?;
    let mut active: user::ActiveModel = account.into();
    active.password_hash = Set(hash);
    Ok(active.update(db).await?)
}

/// The name the person asking shows and the language they read; returns the language.
pub async fn set_profile(
    db: &impl ConnectionTrait,
    requester: &crate::auth::Requester,
    display_name: &str,
    locale: &str,
) -> Result<Locale, AppError> {
    let viewer = requester.signed_in()?;
    let display_name = display_name.trim();
    rules::check_display_name(display_name).map_err(|e| AppError::Invalid(vec![e]))?;
    let locale = Locale::from_code(locale);
    let account = user::Entity::find_by_id(viewer.id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut active: user::ActiveModel = account.into();
    active.display_name = Set(display_name.to_owned());
    active.locale = Set(locale.code().to_owned());
    active.update(db).await?;
    Ok(locale)
}

/// An administrator's account as given (the command line, a first start): checked, its
/// password hashed.
pub struct NewAdmin {
    pub email: String,
    display_name: String,
    hash: String,
}

impl NewAdmin {
    /// Checks the address, the name and the password, and hashes the password (before any
    /// transaction begins: hashing takes a while).
    pub async fn check(
        email: &str,
        display_name: &str,
        password_given: String,
    ) -> Result<NewAdmin, AppError> {
        let email = rules::normalise_email(email);
        let errors: Vec<FieldError> = [
            rules::check_email(&email),
            rules::check_display_name(display_name.trim()),
            rules::check_new_password("password", &password_given, &email),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(NewAdmin {
            hash: password::hash(password_given).await?,
            email,
            display_name: display_name.trim().to_owned(),
        })
    }
}

/// Makes `existing` (the account on the new admin's address, if there is one) an administrator,
/// verified and with the password given, or creates the account; with its record, in the
/// transaction `txn` (see [`crate::org::service::appoint_admin`], which asks first whether the
/// person may be one).
pub async fn make_admin(
    txn: &impl ConnectionTrait,
    existing: Option<user::Model>,
    admin: NewAdmin,
) -> Result<user::Model, AppError> {
    let now = Utc::now();
    let account = match existing {
        Some(existing) => {
            let mut active: user::ActiveModel = existing.into();
            active.is_admin = Set(true);
            active.password_hash = Set(admin.hash);
            active.email_verified_at = Set(Some(now));
            active.update(txn).await?
        }
        None => {
            user::ActiveModel {
                mailbox_key: Set(Some(rules::mailbox_key(&admin.email))),
                email: Set(Some(admin.email)),
                display_name: Set(admin.display_name),
                password_hash: Set(admin.hash),
                email_verified_at: Set(Some(now)),
                is_admin: Set(true),
                locale: Set("vi".into()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?
        }
    };
    crate::audit::service::Record::new("account.admin_granted", "user", Some(account.id))
        .save(txn)
        .await?;
    Ok(account)
}

/// Whether any admin exists yet.
pub async fn has_admin(db: &impl ConnectionTrait) -> Result<bool, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::IsAdmin.eq(true))
        .one(db)
        .await?
        .is_some())
}

/// Whether `account`'s password (as it was read, and checked) is still its password, in the
/// transaction `txn`, which holds the account until it ends: a password reset or change that
/// commits first is seen, one that comes later waits and then ends what this transaction starts.
pub(crate) async fn still_the_password(
    txn: &impl ConnectionTrait,
    account: &user::Model,
) -> Result<bool, AppError> {
    let now = held(txn, account.id).await?;
    Ok(now.is_some_and(|now| now.password_hash == account.password_hash))
}

/// Holds the account `user_id` until the transaction `txn` ends (see [`crate::sql::hold_row`])
/// and reads it as it is now, if it is there.
pub async fn held(
    txn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<user::Model>, AppError> {
    use sea_orm::EntityTrait;
    crate::sql::hold_row(txn, ("users", "id"), user_id).await?;
    Ok(user::Entity::find_by_id(user_id).one(txn).await?)
}
