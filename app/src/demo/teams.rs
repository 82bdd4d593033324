//! Demo teams: one writing its draft in a challenge that is open, one that submitted before the
//! entries of a challenge now being judged closed.

use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};

use crate::account::entity::user;
use crate::challenge::entity::challenge;
use crate::entry::entity::{entry, version};
use crate::entry::model::EntryFields;
use crate::error::AppError;
use crate::team::entity::{member, team};
use crate::team::service::TeamForm;

async fn viewer(db: &impl ConnectionTrait, email: &str) -> Result<crate::auth::Viewer, AppError> {
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::auth::session::load_viewer(db, account).await
}

async fn challenge_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<challenge::Model, AppError> {
    challenge::Entity::find()
        .filter(challenge::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn seed(db: &(impl ConnectionTrait + TransactionTrait)) -> Result<(), AppError> {
    let mai = viewer(db, "mai@vidan.local").await?;
    let tuan = viewer(db, "tuan@vidan.local").await?;

    // Writing: a draft in the open one-stop-desk challenge.
    let one_stop = challenge_by_slug(db, "rut-ngan-thoi-gian-cho-o-bo-phan-mot-cua").await?;
    let sen = crate::team::service::create(
        db,
        &mai,
        one_stop.id,
        TeamForm {
            name: "Nhóm Sen Hồng".into(),
            organisation_name: "Trường Đại học Tây Ninh".into(),
            description: "Bốn sinh viên công nghệ thông tin, từng làm ứng dụng đặt lịch khám cho trạm y tế xã.".into(),
            contact: "mai@vidan.local · 0909 123 456".into(),
        },
    )
    .await?;
    crate::team::service::join_by_code(db, &tuan, &sen.join_code).await?;
    crate::entry::service::save(
        db,
        &mai,
        sen.id,
        0,
        EntryFields {
            title: "Số thứ tự qua tin nhắn".into(),
            summary: "Người dân lấy số ở cổng hoặc qua tổng đài, nhận tin nhắn khi còn năm lượt.".into(),
            solution: "## Cách làm\n\n- Máy lấy số ở cổng in mã và số điện thoại (không bắt buộc).\n- Tin nhắn báo khi còn 5 lượt.".into(),
            ..Default::default()
        },
    )
    .await?;

    // Submitted before the deadline of the hotline challenge, now being judged.
    let hotline = challenge_by_slug(
        db,
        "tiep-nhan-phan-anh-qua-dien-thoai-cho-nguoi-khong-dung-mang",
    )
    .await?;
    let submitted_at = hotline.entries_close_at - Duration::days(1);
    let green = team::ActiveModel {
        challenge_id: Set(hotline.id),
        name: Set("Tổng Đài Xanh".into()),
        organisation_name: Set(Some("Công ty TNHH Giải pháp Xanh".into())),
        description: Set("Doanh nghiệp khởi nghiệp về tổng đài cho cơ quan nhà nước.".into()),
        contact: Set("tuan@vidan.local".into()),
        join_code: Set("XANH2026".into()),
        owner_id: Set(tuan.id),
        created_at: Set(submitted_at - Duration::days(10)),
        updated_at: Set(submitted_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    member::ActiveModel {
        team_id: Set(green.id),
        user_id: Set(tuan.id),
        challenge_id: Set(hotline.id),
        joined_at: Set(submitted_at - Duration::days(10)),
    }
    .insert(db)
    .await?;
    let fields = EntryFields {
        title: "Tổng đài gọi lại trong 24 giờ".into(),
        summary: "Mỗi cuộc gọi nhỡ được ghi lại, có mã phản ánh đọc cho người gọi, và được gọi lại trong một ngày làm việc.".into(),
        solution: "Tổng đài ảo ghi âm lời nhắn, tạo phản ánh trên Vì Dân và nhắc cán bộ gọi lại trước hạn.".into(),
        pilot_plan: "Hai tháng ở Sở Khoa học và Công nghệ, một số tổng đài, hai cán bộ trực.".into(),
        cost: "85000000".into(),
        experience: "Đã vận hành tổng đài cho hai bệnh viện tuyến huyện.".into(),
        demo_url: String::new(),
        acknowledged: Some("on".into()),
    };
    let e = entry::ActiveModel {
        team_id: Set(green.id),
        challenge_id: Set(hotline.id),
        title: Set(fields.title.clone()),
        summary: Set(fields.summary.clone()),
        solution_md: Set(fields.solution.clone()),
        solution_html: Set(crate::markdown::to_safe_html(&fields.solution)),
        pilot_plan: Set(fields.pilot_plan.clone()),
        cost_vnd: Set(85_000_000),
        experience: Set(fields.experience.clone()),
        demo_url: Set(fields.demo_url.clone()),
        acknowledged: Set(true),
        status: Set("submitted".into()),
        version: Set(3),
        submitted_version: Set(Some(3)),
        submitted_at: Set(Some(submitted_at)),
        ineligible_reason: Set(None),
        updated_by: Set(Some(tuan.id)),
        created_at: Set(submitted_at - Duration::days(5)),
        updated_at: Set(submitted_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    version::ActiveModel {
        entry_id: Set(e.id),
        number: Set(1),
        content: Set(serde_json::to_string(&fields).map_err(crate::error::internal)?),
        submitted_by: Set(Some(tuan.id)),
        submitted_at: Set(submitted_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
