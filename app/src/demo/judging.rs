//! Demo judging: the hotline challenge being judged (a panel with one declared conflict, one judge
//! yet to declare, some scores in) and an earlier challenge whose results are published.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set, TransactionTrait};

use super::teams::{challenge_by_slug, submitted, viewer};
use crate::audit::service::Record;
use crate::auth::Viewer;
use crate::challenge::entity::challenge;
use crate::entry::model::EntryFields;
use crate::error::AppError;
use crate::judging::conflicts::Declaration;
use crate::judging::entity::judge;
use crate::judging::model::CriterionInput;
use crate::judging::rules::{Marks, Scale};
use crate::judging::{assignment, conflicts, panel, results, scoring};

fn criterion(name_vi: &str, name_en: &str, guidance_vi: &str, weight: &str) -> CriterionInput {
    CriterionInput {
        name_vi: name_vi.into(),
        name_en: name_en.into(),
        guidance_vi: guidance_vi.into(),
        guidance_en: String::new(),
        weight: weight.into(),
        comment_required: None,
    }
}

fn rubric() -> Vec<CriterionInput> {
    vec![
        criterion(
            "Tác động đến người dân",
            "Impact on citizens",
            "Bao nhiêu người được lợi, và lợi đến đâu: thời gian chờ, số lần đi lại.",
            "40",
        ),
        criterion(
            "Khả thi và chi phí",
            "Feasibility and cost",
            "Làm được trong ngân sách thí điểm, với cán bộ và hạ tầng hiện có.",
            "35",
        ),
        criterion(
            "Dễ dùng cho mọi người",
            "Easy for everyone",
            "Người cao tuổi, người không dùng điện thoại thông minh có dùng được không.",
            "25",
        ),
    ]
}

async fn seat(
    db: &impl ConnectionTrait,
    c: &challenge::Model,
    who: &Viewer,
    staff: &Viewer,
    declared: bool,
) -> Result<(), AppError> {
    let joined = Utc::now() - Duration::days(6);
    judge::ActiveModel {
        challenge_id: Set(c.id),
        user_id: Set(who.id),
        declared_at: Set(declared.then_some(joined + Duration::hours(2))),
        invited_by: Set(Some(staff.id)),
        joined_at: Set(joined),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn marks(values: [i32; 3], ids: &[i64], comments: [&str; 3], overall: &str) -> Marks {
    let mut m = Marks {
        overall: overall.into(),
        ..Default::default()
    };
    for (i, id) in ids.iter().enumerate() {
        m.values.insert(*id, values[i]);
        if !comments[i].is_empty() {
            m.comments.insert(*id, comments[i].into());
        }
    }
    m
}

async fn entry_of(
    db: &impl ConnectionTrait,
    team: &crate::team::entity::team::Model,
) -> Result<i64, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    crate::entry::entity::entry::Entity::find()
        .filter(crate::entry::entity::entry::Column::TeamId.eq(team.id))
        .one(db)
        .await?
        .map(|e| e.id)
        .ok_or(AppError::NotFound)
}

pub async fn seed(db: &(impl ConnectionTrait + TransactionTrait)) -> Result<(), AppError> {
    let admin = viewer(db, "admin@vidan.local").await?;
    let canbo = viewer(db, "canbo@vidan.local").await?;
    let khoa = viewer(db, "giamkhao@vidan.local").await?;
    let hang = viewer(db, "hang@vidan.local").await?;
    let phuc = viewer(db, "phuc@vidan.local").await?;

    // Being judged: three judges for each entry; Phúc declared a conflict with Phù Sa, so that
    // entry is short of a judge until Khoa, who has not declared yet, joins in.
    let hotline = challenge_by_slug(
        db,
        "tiep-nhan-phan-anh-qua-dien-thoai-cho-nguoi-khong-dung-mang",
    )
    .await?;
    panel::save_settings(db, &hotline, Scale::default(), 3, true, false).await?;
    let criteria = panel::save_rubric(db, &hotline, rubric()).await?;
    let ids: Vec<i64> = criteria.iter().map(|c| c.id).collect();
    seat(db, &hotline, &hang, &admin, true).await?;
    seat(db, &hotline, &phuc, &admin, false).await?;
    seat(db, &hotline, &khoa, &admin, false).await?;
    // Seated, they are judges now, and act as the site sees judges (two-step sign-in on).
    let khoa = viewer(db, "giamkhao@vidan.local").await?;
    let hang = viewer(db, "hang@vidan.local").await?;
    let phuc = viewer(db, "phuc@vidan.local").await?;
    let declared = conflicts::declare(
        db,
        &phuc,
        hotline.id,
        Declaration {
            teams: Vec::new(),
            team_reason: String::new(),
            organisation: "Hợp tác xã Công nghệ Phù Sa".into(),
            organisation_reason: "Tôi là cố vấn kỹ thuật của hợp tác xã này.".into(),
        },
    )
    .await?;
    Record::new("judging.declare", "challenge", Some(hotline.id))
        .by(&phuc)
        .details(serde_json::json!({ "conflicts": declared }))
        .save(db)
        .await?;
    assignment::auto_assign(db, &admin, &hotline).await?;
    let queue = scoring::queue(db, &hang, hotline.id).await?;
    if let Some(first) = queue.items.first() {
        scoring::save_marks(
            db,
            &hang,
            first.entry_id,
            marks(
                [8, 7, 9],
                &ids,
                [
                    "Giải quyết đúng chỗ đau: cuộc gọi nhỡ.",
                    "",
                    "Người gọi không phải làm gì thêm.",
                ],
                "Nên nói rõ ai trực ngoài giờ hành chính.",
            ),
            true,
        )
        .await?;
    }
    if let Some(second) = queue.items.get(1) {
        scoring::save_marks(
            db,
            &hang,
            second.entry_id,
            marks([7, 6, 8], &ids, ["", "", ""], ""),
            false,
        )
        .await?;
    }

    // Published: an earlier challenge of the service centre, with its ranking and awards.
    let booking = challenge_by_slug(db, "dat-lich-hen-truoc-khi-den-lam-thu-tuc").await?;
    let close = booking.entries_close_at;
    let teams = [
        (
            "mai@vidan.local",
            ("Sen Hồng Lab", "Trường Đại học Tây Ninh", "SENLAB26"),
            "Giữ chỗ bằng tin nhắn",
            "Nhắn mã thủ tục tới tổng đài, nhận giờ hẹn và tin nhắc trước 30 phút; quầy riêng cho người có hẹn.",
        ),
        (
            "lan@vidan.local",
            ("Nhóm Phù Sa Hẹn", "Hợp tác xã Công nghệ Phù Sa", "PSHEN026"),
            "Lịch hẹn in trên phiếu",
            "Lấy phiếu hẹn tại quầy lễ tân cho ngày hôm sau, kèm giờ cụ thể; không cần điện thoại.",
        ),
        (
            "vy@vidan.local",
            ("Nhóm Đúng Giờ", "Trường Cao đẳng Nghề Tây Ninh", "DUNGGIO6"),
            "Ứng dụng đặt lịch có nhắc việc",
            "Ứng dụng trên điện thoại thông minh, đồng bộ với lịch của cán bộ tiếp nhận.",
        ),
    ];
    let mut entries = Vec::new();
    for (i, (email, team, title, summary)) in teams.iter().enumerate() {
        let owner = viewer(db, email).await?;
        let t = submitted(
            db,
            &booking,
            &owner,
            *team,
            EntryFields {
                title: (*title).into(),
                summary: (*summary).into(),
                solution: format!("{summary} Đã thử với 40 người dân trong một tuần."),
                pilot_plan: "Hai tháng ở Trung tâm, một quầy dành riêng cho người có hẹn.".into(),
                cost: "60000000".into(),
                experience: "Đã làm phần mềm cho trạm y tế xã.".into(),
                demo_url: String::new(),
                acknowledged: Some("on".into()),
            },
            close - Duration::days(3 - i as i64),
        )
        .await?;
        entries.push(entry_of(db, &t).await?);
    }
    panel::save_settings(db, &booking, Scale::default(), 3, true, true).await?;
    let criteria = panel::save_rubric(db, &booking, rubric()).await?;
    let ids: Vec<i64> = criteria.iter().map(|c| c.id).collect();
    for j in [&khoa, &hang, &phuc] {
        seat(db, &booking, j, &canbo, true).await?;
    }
    assignment::auto_assign(db, &canbo, &booking).await?;
    let sheets: [(&Viewer, [[i32; 3]; 3]); 3] = [
        (&khoa, [[9, 8, 9], [7, 8, 9], [8, 6, 4]]),
        (&hang, [[8, 8, 8], [6, 7, 9], [7, 5, 3]]),
        (&phuc, [[7, 7, 8], [8, 8, 9], [6, 5, 4]]),
    ];
    // What each judge wrote, per entry and criterion, and to every team.
    let notes: [([[&str; 3]; 3], &str); 3] = [
        (
            [
                [
                    "Ai cũng có điện thoại bấm phím.",
                    "",
                    "Rất hợp với người cao tuổi.",
                ],
                [
                    "Đơn giản, không cần công nghệ.",
                    "Cần thêm một cán bộ lễ tân.",
                    "",
                ],
                ["", "", "Người không có điện thoại thông minh bị bỏ lại."],
            ],
            "Cảm ơn đội; bài rõ ràng và có số liệu thử nghiệm.",
        ),
        (
            [
                [
                    "Giảm hẳn cảnh xếp hàng từ sáng sớm.",
                    "Chi phí tin nhắn cần tính cho cả năm.",
                    "",
                ],
                [
                    "",
                    "Làm được ngay, không phải chờ phần mềm.",
                    "Phiếu in chữ to là điểm cộng.",
                ],
                [
                    "Tốt cho người trẻ.",
                    "",
                    "Cần phương án cho người không cài ứng dụng.",
                ],
            ],
            "Nên đo thời gian chờ trước và sau khi thí điểm.",
        ),
        (
            [
                ["", "Tổng đài tin nhắn đã có sẵn, triển khai nhanh.", ""],
                ["Ít tác dụng khi quầy lễ tân đông.", "", ""],
                ["", "Chưa tính chi phí bảo trì ứng dụng.", ""],
            ],
            "Hãy nói rõ ai vận hành sau khi hết thí điểm.",
        ),
    ];
    for ((judge, rows), (comments, overall)) in sheets.into_iter().zip(notes) {
        for (n, entry_id) in entries.iter().enumerate() {
            scoring::save_marks(
                db,
                judge,
                *entry_id,
                marks(rows[n], &ids, comments[n], overall),
                true,
            )
            .await?;
        }
    }
    panel::close(db, &canbo, &booking).await?;
    Record::new("judging.close", "challenge", Some(booking.id))
        .by(&canbo)
        .public()
        .save(db)
        .await?;
    let panel = panel::panel_of(db, booking.id).await?;
    let ranked = results::ranking(db, &booking, &panel).await?;
    let winners: Vec<i64> = ranked.iter().take(3).map(|r| r.standing.entry).collect();
    results::decide_awards(db, &canbo, &booking, &winners, "").await?;
    let published = results::publish(db, &booking, Utc::now()).await?;
    let mut active = published.into_active_model();
    active.results_published_at = Set(Some(Utc::now() - Duration::days(24)));
    active.results_notified_at = Set(Some(Utc::now() - Duration::days(24)));
    let published = active.update(db).await?;
    Record::new("judging.publish", "challenge", Some(published.id))
        .by(&canbo)
        .public()
        .save(db)
        .await?;
    Ok(())
}
