//! The demo city's leaders' commitments: one kept on time, one late after its date moved with a
//! reason, and one still ahead. Published through the service (as an official would, in their
//! name), then dated back with their public records, on working days.

use chrono::{Duration, TimeZone, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};

use super::challenges::org_id;
use super::teams::viewer;
use crate::auth::Requester;
use crate::commitment::entity::{commitment, moved};
use crate::commitment::service::{CommitmentForm, complete, move_due, publish, set_follow};
use crate::error::AppError;
use crate::i18n::format::city_offset;
use crate::pilot::rules::city_today;

/// The id of the first row of `table` whose `title` is `title`.
async fn titled(db: &impl ConnectionTrait, table: &str, title: &str) -> Result<i64, AppError> {
    let row = db
        .query_one_raw(crate::sql::numbered(
            db.get_database_backend(),
            &format!("SELECT id FROM {table} WHERE title = ?1 ORDER BY id LIMIT 1"),
            [title.into()],
        ))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(row.try_get("", "id")?)
}

pub async fn seed(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
) -> Result<(), AppError> {
    let ward1 = org_id(db, "phuong-1").await?;
    let centre = org_id(db, "trung-tam-phuc-vu-hanh-chinh-cong").await?;
    let ninh_son = org_id(db, "phuong-ninh-son").await?;
    let canbo = viewer(db, "canbo@vidan.local").await?;
    let admin = viewer(db, "admin@vidan.local").await?;
    let citizen = viewer(db, "dan@vidan.local").await?;
    let calendar = crate::calendar::service::load(db).await?;
    let today = city_today(Utc::now());
    let working = |n: i64| calendar.shift_working_days(today, n);
    let far = (today + Duration::days(30)).format("%Y-%m-%d").to_string();

    let queue = titled(
        db,
        "reports",
        "Phải xếp hàng hơn hai tiếng ở bộ phận một cửa",
    )
    .await?;
    let business = titled(
        db,
        "reports",
        "Hồ sơ đăng ký hộ kinh doanh quá hẹn trả kết quả",
    )
    .await?;
    let elderly = titled(db, "reports", "Người cao tuổi không tự điền được tờ khai").await?;
    let one_stop = titled(db, "challenges", "Rút ngắn thời gian chờ ở bộ phận một cửa").await?;
    let booking = titled(
        db,
        "pilots",
        "Đặt lịch hẹn qua tin nhắn ở Trung tâm Phục vụ hành chính công",
    )
    .await?;

    // Kept on time: promised for 15 working days ago, done two working days before.
    let kept = publish(
        db,
        &Requester::acting(&canbo),
        CommitmentForm {
            organisation_id: ward1.to_string(),
            title: "Trả kết quả chứng thực bản sao trong ngày".into(),
            body: "Mọi hồ sơ chứng thực bản sao nộp trước 10 giờ sáng được trả ngay trong ngày; \
                   phường mở thêm một quầy chứng thực vào sáng thứ Hai và thứ Ba."
                .into(),
            official_role: "Phó Chủ tịch UBND Phường 1".into(),
            due_on: far.clone(),
            reports: queue.to_string(),
            challenge_id: one_stop.to_string(),
            pilot_id: String::new(),
        },
    )
    .await?;
    complete(
        db,
        links,
        &Requester::acting(&canbo),
        kept,
        "Quầy chứng thực thứ hai mở từ thứ Hai; 96% hồ sơ nộp trước 10 giờ được trả trong ngày.",
    )
    .await?;
    date_back(
        db,
        kept,
        working(-40),
        working(-15),
        working(-15),
        Some(working(-17)),
    )
    .await?;

    // Late: promised, moved once with a reason, and still not kept.
    let late = publish(
        db,
        &Requester::acting(&canbo),
        CommitmentForm {
            organisation_id: centre.to_string(),
            title: "Báo tình trạng hồ sơ hộ kinh doanh bằng tin nhắn".into(),
            body: "Người nộp hồ sơ đăng ký hộ kinh doanh nhắn mã hồ sơ đến tổng đài của Trung tâm \
                   và nhận lại bước đang xử lý, nơi đang giữ hồ sơ và ngày hẹn trả; hồ sơ sắp trễ \
                   hẹn được báo trước cho người nộp."
                .into(),
            official_role: "Phó Giám đốc Trung tâm Phục vụ hành chính công".into(),
            due_on: far.clone(),
            reports: business.to_string(),
            challenge_id: String::new(),
            pilot_id: booking.to_string(),
        },
    )
    .await?;
    let moved_to = (today + Duration::days(45)).format("%Y-%m-%d").to_string();
    move_due(
        db,
        links,
        &Requester::acting(&canbo),
        late,
        &moved_to,
        "Nhà mạng chưa duyệt mẫu tin nhắn chăm sóc khách hàng của Trung tâm; đã gửi lại hồ sơ \
         đăng ký mẫu.",
    )
    .await?;
    set_follow(db, &Requester::acting(&citizen), late, true).await?;
    date_back(db, late, working(-45), working(-20), working(-4), None).await?;
    moved::Entity::update_many()
        .col_expr(moved::Column::FromDueOn, Expr::value(working(-20)))
        .col_expr(moved::Column::ToDueOn, Expr::value(working(-4)))
        .col_expr(moved::Column::CreatedAt, Expr::value(at(working(-22))))
        .filter(moved::Column::CommitmentId.eq(late))
        .exec(db)
        .await?;
    db.execute_raw(crate::sql::numbered(
        db.get_database_backend(),
        "UPDATE audit_log SET details = ?1, created_at = ?2 WHERE target_kind = 'commitment' \
         AND target_id = ?3 AND action = 'commitment.move'",
        [
            serde_json::json!({
                "from": working(-20).format("%d/%m/%Y").to_string(),
                "to": working(-4).format("%d/%m/%Y").to_string(),
            })
            .to_string()
            .into(),
            at(working(-22)).into(),
            late.into(),
        ],
    ))
    .await?;

    // Ahead: a month of working days to go.
    let ahead = publish(
        db,
        &Requester::acting(&admin),
        CommitmentForm {
            organisation_id: ninh_son.to_string(),
            title: "Đoàn viên hỗ trợ người cao tuổi điền tờ khai mỗi sáng".into(),
            body:
                "Mỗi sáng thứ Hai đến thứ Sáu, hai đoàn viên Đoàn Thanh niên phường ngồi ở bộ phận \
                   một cửa để đọc và điền tờ khai cho người cao tuổi, người không biết chữ."
                    .into(),
            official_role: "Chủ tịch UBND Phường Ninh Sơn".into(),
            due_on: working(22).format("%Y-%m-%d").to_string(),
            reports: elderly.to_string(),
            challenge_id: String::new(),
            pilot_id: String::new(),
        },
    )
    .await?;
    date_back(db, ahead, working(-3), working(22), working(22), None).await?;
    Ok(())
}

/// 10:00 city time on `day`.
fn at(day: chrono::NaiveDate) -> chrono::DateTime<Utc> {
    city_offset()
        .from_local_datetime(&day.and_hms_opt(10, 0, 0).expect("a valid time"))
        .single()
        .expect("a fixed offset")
        .with_timezone(&Utc)
}

/// Dates a commitment back: published on `published`, first due `first_due`, due now `due`,
/// kept on `done` (its records with it).
async fn date_back(
    db: &impl ConnectionTrait,
    id: i64,
    published: chrono::NaiveDate,
    first_due: chrono::NaiveDate,
    due: chrono::NaiveDate,
    done: Option<chrono::NaiveDate>,
) -> Result<(), AppError> {
    commitment::Entity::update_many()
        .col_expr(commitment::Column::CreatedAt, Expr::value(at(published)))
        .col_expr(commitment::Column::UpdatedAt, Expr::value(at(published)))
        .col_expr(commitment::Column::OriginalDueOn, Expr::value(first_due))
        .col_expr(commitment::Column::DueOn, Expr::value(due))
        .col_expr(commitment::Column::DoneAt, Expr::value(done.map(at)))
        .filter(commitment::Column::Id.eq(id))
        .exec(db)
        .await?;
    let backend = db.get_database_backend();
    // The record says the date first promised, as it was published.
    let details: String = db
        .query_one_raw(crate::sql::numbered(
            backend,
            "SELECT details FROM audit_log WHERE target_kind = 'commitment' AND target_id = ?1 \
             AND action = 'commitment.publish'",
            [id.into()],
        ))
        .await?
        .ok_or(AppError::NotFound)?
        .try_get("", "details")?;
    let mut details: serde_json::Value = serde_json::from_str(&details).unwrap_or_default();
    details["due_on"] = first_due.format("%d/%m/%Y").to_string().into();
    db.execute_raw(crate::sql::numbered(
        backend,
        "UPDATE audit_log SET created_at = ?1, details = ?2 WHERE target_kind = 'commitment' \
         AND target_id = ?3 AND action = 'commitment.publish'",
        [at(published).into(), details.to_string().into(), id.into()],
    ))
    .await?;
    if let Some(done) = done {
        db.execute_raw(crate::sql::numbered(
            backend,
            "UPDATE audit_log SET created_at = ?1 WHERE target_kind = 'commitment' \
             AND target_id = ?2 AND action = 'commitment.done'",
            [at(done).into(), id.into()],
        ))
        .await?;
    }
    Ok(())
}
