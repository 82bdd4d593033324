//! Demo pilots from the booking challenge's two awards: one halfway through its milestones (one
//! finished late, one late now, one moved), with KPI measurements, updates, comments (one hidden)
//! and ratings; and one rolled out with its closing statement.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::teams::{challenge_by_slug, viewer};
use crate::auth::Requester;
use crate::error::AppError;
use crate::judging::entity::award;
use crate::pilot::entity::{comment, pilot, update};
use crate::pilot::milestones::StatusChange;
use crate::pilot::model::PilotForm;
use crate::pilot::rules::city_today;
use crate::pilot::{milestones, plan, updates};

/// Now, moved `n` working days (the law's calendar: the demo's dates fall on working days, so
/// what is late, on time or due stays so whatever the weekday the demo starts on).
fn days(n: i64) -> DateTime<Utc> {
    let now = Utc::now();
    let today = city_today(now);
    let day = crate::calendar::Calendar::statutory().shift_working_days(today, n);
    now + Duration::days((day - today).num_days())
}

fn day_input(n: i64) -> String {
    city_today(days(n)).format("%Y-%m-%d").to_string()
}

fn done(evidence: &str) -> StatusChange {
    StatusChange {
        status: "done".into(),
        evidence_text: evidence.into(),
        ..Default::default()
    }
}

async fn dated_update(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    storage: &crate::upload::storage::Storage,
    who: &crate::auth::Viewer,
    pilot_id: i64,
    body: &str,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    updates::post_update(
        db,
        links,
        storage,
        &Requester::acting(who),
        pilot_id,
        body,
        Vec::new(),
    )
    .await?;
    let latest = update::Entity::find()
        .filter(update::Column::PilotId.eq(pilot_id))
        .order_by_desc(update::Column::Id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = latest.id;
    let mut a = latest.into_active_model();
    a.created_at = Set(at);
    a.update(db).await?;
    Ok(id)
}

pub async fn seed(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    storage: &crate::upload::storage::Storage,
) -> Result<(), AppError> {
    let canbo = viewer(db, "canbo@vidan.local").await?;
    let mai = viewer(db, "mai@vidan.local").await?;
    let lan = viewer(db, "lan@vidan.local").await?;
    let booking = challenge_by_slug(db, "dat-lich-hen-truoc-khi-den-lam-thu-tuc").await?;
    let awards = award::Entity::find()
        .filter(award::Column::ChallengeId.eq(booking.id))
        .order_by_asc(award::Column::Position)
        .all(db)
        .await?;
    let (Some(first), Some(second)) = (awards.first(), awards.get(1)) else {
        return Ok(());
    };
    // Whoever of Mai's and Lan's teams won first runs the long pilot.
    let member_of = |entry_id: i64| async move {
        let e = crate::entry::entity::entry::Entity::find_by_id(entry_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        let t = crate::team::entity::team::Entity::find_by_id(e.team_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok::<i64, AppError>(t.owner_id)
    };
    let first_team = if member_of(first.entry_id).await? == mai.id {
        &mai
    } else {
        &lan
    };
    let second_team = if first_team.id == mai.id { &lan } else { &mai };

    // Halfway: started 20 days ago, 3 of 6 milestones done.
    let running = plan::create(
        db,
        links,
        &Requester::acting(&canbo),
        first.entry_id,
        &PilotForm {
            title: "Đặt lịch hẹn qua tin nhắn ở Trung tâm Phục vụ hành chính công".into(),
            summary: "Người dân nhắn mã thủ tục tới tổng đài 1022, nhận giờ hẹn và tin nhắc trước 30 phút; một quầy riêng phục vụ người có hẹn. Thử trong ba tháng cho thủ tục hộ tịch và chứng thực.".into(),
            official_name: "Nguyễn Thị Hoa".into(),
            official_role: "Phó Giám đốc Trung tâm Phục vụ hành chính công".into(),
            budget_vnd: "240.000.000".into(),
            disbursed_vnd: "95.000.000".into(),
            starts_on: day_input(-20),
            planned_end_on: day_input(70),
        },
    )
    .await?;
    let team_owned = "team".to_owned();
    let official = canbo.id.to_string();
    let plan = [
        (
            "Lắp bảng hướng dẫn và quầy riêng cho người có hẹn",
            &team_owned,
            -15,
        ),
        (
            "Kết nối tổng đài tin nhắn với lịch của quầy",
            &team_owned,
            -10,
        ),
        ("Tập huấn cán bộ tiếp nhận", &official, -5),
        ("Báo cáo giữa kỳ: thời gian chờ trước và sau", &official, -2),
        ("Mở rộng sang thủ tục đất đai", &team_owned, 10),
        ("Đánh giá cuối kỳ và đề xuất nhân rộng", &official, 65),
    ];
    let mut ids = Vec::new();
    for (title, owner, due) in plan {
        ids.push(
            milestones::add_milestone(
                db,
                &Requester::acting(&canbo),
                running,
                title,
                owner,
                &day_input(due),
            )
            .await?,
        );
    }
    milestones::set_status(
        db,
        storage,
        &Requester::acting(first_team),
        ids[0],
        done("Ảnh quầy số 7 và bảng hướng dẫn ở sảnh chính."),
        days(-16),
    )
    .await?;
    milestones::set_status(
        db,
        storage,
        &Requester::acting(first_team),
        ids[1],
        StatusChange {
            status: "done".into(),
            evidence_text: "Tổng đài đã nhận tin nhắn thử từ 200 số điện thoại.".into(),
            evidence_url: "https://example.org/bien-ban-nghiem-thu-tong-dai".into(),
            ..Default::default()
        },
        days(-7),
    )
    .await?;
    milestones::set_status(
        db,
        storage,
        &Requester::acting(&canbo),
        ids[2],
        done("Danh sách 12 cán bộ đã tập huấn, có chữ ký."),
        days(-6),
    )
    .await?;
    milestones::set_status(
        db,
        storage,
        &Requester::acting(&canbo),
        ids[3],
        StatusChange {
            status: "in_progress".into(),
            ..Default::default()
        },
        days(-3),
    )
    .await?;
    milestones::move_milestone(
        db,
        &Requester::acting(&canbo),
        ids[4],
        &day_input(24),
        "Sở Tài nguyên và Môi trường cần thêm hai tuần để cấp quyền tra cứu hồ sơ đất đai.",
    )
    .await?;

    milestones::add_kpi(
        db,
        &Requester::acting(&canbo),
        running,
        "Thời gian chờ trung bình ở bộ phận một cửa",
        "phút",
        "120",
        "30",
    )
    .await?;
    milestones::add_kpi(
        db,
        &Requester::acting(&canbo),
        running,
        "Tỷ lệ người có hẹn được phục vụ đúng giờ",
        "%",
        "0",
        "90",
    )
    .await?;
    let page = crate::query::pilot::page(db, running, None, Utc::now()).await?;
    let (wait, punctual) = (page.kpis[0].id, page.kpis[1].id);
    for (kpi, ago, value, note) in [
        (wait, 19, "118", "Đo tuần đầu, chưa có hẹn."),
        (wait, 12, "84", ""),
        (wait, 5, "61", "Giờ cao điểm sáng thứ Hai vẫn đông."),
        (punctual, 12, "72", ""),
        (punctual, 5, "81", ""),
    ] {
        milestones::measure(
            db,
            &Requester::acting(&canbo),
            kpi,
            &day_input(-ago),
            value,
            note,
            Utc::now(),
        )
        .await?;
    }

    let first_update = dated_update(db, links, storage,
        first_team,
        running,
        "Quầy số 7 đã dành riêng cho người có hẹn. Tuần đầu có 146 lượt đặt lịch qua tin nhắn, phần lớn là người trên 50 tuổi.",
        days(-14),
    )
    .await?;
    let second_update = dated_update(db, links, storage,
        &canbo,
        running,
        "Thời gian chờ trung bình giảm từ 118 xuống 61 phút. Báo cáo giữa kỳ chậm vài ngày vì đang đối chiếu số liệu với phần mềm một cửa.",
        days(-4),
    )
    .await?;
    for (email, update_id, body) in [
        (
            "dan@vidan.local",
            first_update,
            "Tôi nhắn thử hôm thứ Ba, 9 giờ có tin nhắc, đến là được làm ngay. Rất tiện.",
        ),
        (
            "tuan@vidan.local",
            first_update,
            "Có nhắn được bằng điện thoại bấm phím không ạ?",
        ),
        (
            "hung@vidan.local",
            second_update,
            "Quảng cáo dịch vụ sửa điện thoại giá rẻ, gọi 09xx…",
        ),
        (
            "dan@vidan.local",
            second_update,
            "Mong sớm mở cho thủ tục đất đai.",
        ),
    ] {
        let who = viewer(db, email).await?;
        updates::comment(db, &Requester::acting(&who), update_id, body).await?;
    }
    let spam = comment::Entity::find()
        .filter(comment::Column::Body.starts_with("Quảng cáo"))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    updates::hide_comment(
        db,
        &Requester::acting(&canbo),
        spam.id,
        "Quảng cáo, không liên quan đến thí điểm.",
    )
    .await?;
    for (email, stars, text) in [
        ("dan@vidan.local", 5, "Đến đúng giờ hẹn là được làm ngay."),
        (
            "tuan@vidan.local",
            4,
            "Tiện, nhưng tin nhắc nên gửi sớm hơn.",
        ),
        ("hung@vidan.local", 3, ""),
        ("vy@vidan.local", 4, ""),
    ] {
        let who = viewer(db, email).await?;
        updates::rate(db, &Requester::acting(&who), running, stars, text).await?;
        updates::set_follow(db, &Requester::acting(&who), running, true).await?;
    }

    // Rolled out: printed appointment slips, a short pilot that became the rule.
    let rolled = plan::create(
        db,
        links,
        &Requester::acting(&canbo),
        second.entry_id,
        &PilotForm {
            title: "Phiếu hẹn in sẵn cho ngày hôm sau".into(),
            summary: "Lễ tân phát phiếu hẹn có giờ cụ thể cho ngày hôm sau, không cần điện thoại. Thử trong ba tuần ở quầy hộ tịch.".into(),
            official_name: "Nguyễn Thị Hoa".into(),
            official_role: "Phó Giám đốc Trung tâm Phục vụ hành chính công".into(),
            budget_vnd: "15.000.000".into(),
            disbursed_vnd: "12.500.000".into(),
            starts_on: day_input(-23),
            planned_end_on: day_input(-3),
        },
    )
    .await?;
    for (title, owner, due, finished) in [
        ("In 5.000 phiếu hẹn và bố trí lễ tân", &team_owned, -20, -21),
        ("Ba tuần phát phiếu ở quầy hộ tịch", &team_owned, -6, -6),
        ("Tổng kết và đề xuất áp dụng chính thức", &official, -3, -4),
    ] {
        let id = milestones::add_milestone(
            db,
            &Requester::acting(&canbo),
            rolled,
            title,
            owner,
            &day_input(due),
        )
        .await?;
        let who = if owner == &team_owned {
            second_team
        } else {
            &canbo
        };
        milestones::set_status(
            db,
            storage,
            &Requester::acting(who),
            id,
            done("Biên bản kèm số liệu phát phiếu."),
            days(finished),
        )
        .await?;
    }
    milestones::add_kpi(
        db,
        &Requester::acting(&canbo),
        rolled,
        "Số người phải quay lại hôm sau",
        "người/ngày",
        "35",
        "10",
    )
    .await?;
    let page = crate::query::pilot::page(db, rolled, None, Utc::now()).await?;
    for (ago, value) in [(22, "33"), (14, "16"), (5, "8")] {
        milestones::measure(
            db,
            &Requester::acting(&canbo),
            page.kpis[0].id,
            &day_input(-ago),
            value,
            "",
            Utc::now(),
        )
        .await?;
    }
    dated_update(
        db,
        links,
        storage,
        second_team,
        rolled,
        "Ba tuần, 1.240 phiếu hẹn đã phát; số người phải quay lại giảm từ 33 xuống 8 mỗi ngày.",
        days(-5),
    )
    .await?;
    updates::rate(
        db,
        &Requester::acting(&viewer(db, "dan@vidan.local").await?),
        rolled,
        5,
        "Cách đơn giản mà hiệu quả.",
    )
    .await?;
    plan::close(
        db,
        links,
        &Requester::acting(&canbo),
        rolled,
        "rolled_out",
        "Phiếu hẹn đạt mục tiêu sau ba tuần: số người phải quay lại giảm từ 35 xuống 8 mỗi ngày. Từ tháng sau, Trung tâm áp dụng chính thức ở mọi quầy, kinh phí in phiếu lấy từ ngân sách thường xuyên.",
        "",
    )
    .await?;
    let mut closed = pilot::Entity::find_by_id(rolled)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?
        .into_active_model();
    closed.closed_at = Set(Some(days(-2)));
    closed.update(db).await?;
    Ok(())
}
