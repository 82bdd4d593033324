//! Demo data for a first start: a city with wards and departments, and an account for each role,
//! so a newcomer can sign in and look around. Runs only on an empty database.

mod calendar;
mod challenges;
mod commitments;
mod helpers;
mod history;
mod judging;
pub mod large;
pub mod pdf;
mod pilots;
pub(crate) mod teams;
mod votes;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, Set};

use crate::auth::Requester;
use crate::auth::entity::user;
use crate::auth::password;
use crate::error::AppError;
use crate::org::service::{NewOrganisation, create, grant_staff};

/// The password of every demo account (documented in the README).
pub const DEMO_PASSWORD: &str = "vidan-demo-2026";

/// A demo citizen who has a phone and no email (she signs in with `0912 000 071`).
pub const DEMO_PHONE_ACCOUNT: (&str, &str) = ("+84912000071", "Bà Nguyễn Thị Tư");

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub admin: bool,
}

pub const DEMO_ACCOUNTS: [DemoAccount; 12] = [
    DemoAccount {
        email: "admin@vidan.local",
        name: "Quản trị Vì Dân",
        admin: true,
    },
    DemoAccount {
        email: "canbo@vidan.local",
        name: "Nguyễn Thị Hoa",
        admin: false,
    },
    DemoAccount {
        email: "giamkhao@vidan.local",
        name: "TS. Trần Minh Khoa",
        admin: false,
    },
    DemoAccount {
        email: "doi@vidan.local",
        name: "Phạm Quốc Bảo",
        admin: false,
    },
    DemoAccount {
        email: "dan@vidan.local",
        name: "Lê Văn An",
        admin: false,
    },
    DemoAccount {
        email: "mai@vidan.local",
        name: "Võ Thị Mai",
        admin: false,
    },
    DemoAccount {
        email: "tuan@vidan.local",
        name: "Đặng Minh Tuấn",
        admin: false,
    },
    DemoAccount {
        email: "lan@vidan.local",
        name: "Trần Thị Lan",
        admin: false,
    },
    DemoAccount {
        email: "hung@vidan.local",
        name: "Bùi Văn Hùng",
        admin: false,
    },
    DemoAccount {
        email: "vy@vidan.local",
        name: "Phan Tường Vy",
        admin: false,
    },
    DemoAccount {
        email: "hang@vidan.local",
        name: "ThS. Nguyễn Thu Hằng",
        admin: false,
    },
    DemoAccount {
        email: "phuc@vidan.local",
        name: "KS. Lê Hoàng Phúc",
        admin: false,
    },
];

/// Fills an empty database; does nothing when any account or organisation exists.
pub async fn seed_if_empty(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    links: &crate::links::Links,
    storage: &crate::upload::storage::Storage,
) -> Result<bool, AppError> {
    if user::Entity::find().count(db).await? > 0
        || crate::org::entity::organisation::Entity::find()
            .count(db)
            .await?
            > 0
    {
        return Ok(false);
    }
    let site = Requester::site();
    let city = create(
        db,
        &site,
        org("Thành phố Tây Ninh", "Tay Ninh City", "city", None),
    )
    .await?;
    let ward1 = create(db, &site, org("Phường 1", "Ward 1", "ward", Some(city.id))).await?;
    for (vi, en, kind) in [
        ("Phường 3", "Ward 3", "ward"),
        ("Phường Ninh Sơn", "Ninh Son Ward", "ward"),
        ("Xã Tân Bình", "Tan Binh Commune", "commune"),
        (
            "Trung tâm Phục vụ hành chính công",
            "Public Administration Service Centre",
            "department",
        ),
        (
            "Sở Khoa học và Công nghệ",
            "Department of Science and Technology",
            "department",
        ),
    ] {
        create(db, &site, org(vi, en, kind, Some(city.id))).await?;
    }
    let hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    // The demo people have been around since before the earliest demo challenge opened (so
    // their votes do not look like accounts made for a vote).
    let joined = Utc::now() - chrono::Duration::days(120);
    for account in DEMO_ACCOUNTS {
        user::ActiveModel {
            email: Set(Some(account.email.to_owned())),
            mailbox_key: Set(Some(crate::account::rules::mailbox_key(account.email))),
            display_name: Set(account.name.to_owned()),
            password_hash: Set(hash.clone()),
            email_verified_at: Set(Some(joined)),
            is_admin: Set(account.admin),
            locale: Set("vi".to_owned()),
            created_at: Set(joined),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let (phone, name) = DEMO_PHONE_ACCOUNT;
    user::ActiveModel {
        email: Set(None),
        phone: Set(Some(phone.to_owned())),
        phone_verified_at: Set(Some(joined)),
        display_name: Set(name.to_owned()),
        password_hash: Set(hash.clone()),
        is_admin: Set(false),
        locale: Set("vi".to_owned()),
        created_at: Set(joined),
        ..Default::default()
    }
    .insert(db)
    .await?;
    grant_staff(
        db,
        links,
        &site,
        ward1.id,
        "canbo@vidan.local",
        Some("Phó Chủ tịch UBND phường".into()),
    )
    .await?;
    calendar::seed(db).await?;
    // The past year first: its reports list after today's (the newest first).
    history::seed(db, links, storage).await?;
    challenges::seed(db, links, storage).await?;
    helpers::seed(db, links, storage).await?;
    teams::seed(db, links, storage).await?;
    judging::seed(db).await?;
    votes::seed(db).await?;
    pilots::seed(db, links, storage).await?;
    commitments::seed(db, links).await?;
    officials_sign_in_in_two_steps(db).await?;
    crate::audit::service::Record::new("demo.seed", "site", None)
        .reason("Dữ liệu mẫu cho lần chạy đầu tiên")
        .details(serde_json::json!({ "organisations": 7, "accounts": DEMO_ACCOUNTS.len() + 1 }))
        .save(db)
        .await?;
    Ok(true)
}

fn org(vi: &str, en: &str, kind: &str, parent_id: Option<i64>) -> NewOrganisation {
    NewOrganisation {
        name_vi: vi.into(),
        name_en: en.into(),
        kind: kind.into(),
        parent_id,
    }
}

/// The demo's officials (its administrator, staff and judges) sign in in two steps, as every
/// official must; their secrets are public, and the demo site's code page shows their codes.
async fn officials_sign_in_in_two_steps(db: &impl ConnectionTrait) -> Result<(), AppError> {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT id, email FROM users WHERE is_admin = TRUE \
             OR id IN (SELECT user_id FROM org_staff) OR id IN (SELECT user_id FROM judges)",
        ))
        .await?;
    for row in rows {
        let id: i64 = row.try_get("", "id")?;
        let email: Option<String> = row.try_get("", "email")?;
        if let Some(email) = email {
            crate::auth::two_factor::enable_for_demo(db, id, &email).await?;
        }
    }
    Ok(())
}
