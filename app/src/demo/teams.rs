//! Demo teams: one writing its draft in a challenge that is open, one that submitted before the
//! entries of a challenge now being judged closed.

use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};

use crate::auth::Requester;
use crate::auth::entity::user;
use crate::challenge::entity::challenge;
use crate::entry::entity::{entry, version};
use crate::entry::model::EntryFields;
use crate::error::AppError;
use crate::team::entity::{member, team};
use crate::team::service::TeamForm;

pub(crate) async fn viewer(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<crate::auth::Viewer, AppError> {
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (id, email) = (account.id, account.email.clone().unwrap_or_default());
    let seen = crate::auth::session::load_viewer(db, account.clone()).await?;
    if !seen.office_waiting {
        return Ok(seen);
    }
    // The demo's officials have turned two-step sign-in on (with their public secrets).
    crate::auth::two_factor::enable_for_demo(db, id, &email).await?;
    crate::auth::session::load_viewer(db, account).await
}

pub(crate) async fn challenge_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<challenge::Model, AppError> {
    challenge::Entity::find()
        .filter(challenge::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn seed(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    storage: &crate::upload::storage::Storage,
) -> Result<(), AppError> {
    let mai = viewer(db, "mai@vidan.local").await?;
    let tuan = viewer(db, "tuan@vidan.local").await?;

    // Writing: a draft in the open one-stop-desk challenge.
    let one_stop = challenge_by_slug(db, "rut-ngan-thoi-gian-cho-o-bo-phan-mot-cua").await?;
    let sen = crate::team::service::create(
        db,
        &Requester::acting(&mai),
        one_stop.id,
        TeamForm {
            name: "Nhóm Sen Hồng".into(),
            organisation_name: "Trường Đại học Tây Ninh".into(),
            description: "Bốn sinh viên công nghệ thông tin, từng làm ứng dụng đặt lịch khám cho trạm y tế xã.".into(),
            contact: "mai@vidan.local · 0909 123 456".into(),
        },
    )
    .await?;
    crate::team::service::join_by_code(db, links, &Requester::acting(&tuan), &sen.join_code)
        .await?;
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
    let lan = viewer(db, "lan@vidan.local").await?;
    let hung = viewer(db, "hung@vidan.local").await?;
    let close = hotline.entries_close_at;
    let green = submitted(
        db,
        &hotline,
        &tuan,
        ("Tổng Đài Xanh", "Công ty TNHH Giải pháp Xanh", "XANH2026"),
        EntryFields {
            title: "Tổng đài gọi lại trong 24 giờ".into(),
            summary: "Mỗi cuộc gọi nhỡ được ghi lại, có mã phản ánh đọc cho người gọi, và được gọi lại trong một ngày làm việc.".into(),
            solution: "Tổng đài ảo ghi âm lời nhắn, tạo phản ánh trên Vì Dân và nhắc cán bộ gọi lại trước hạn.".into(),
            pilot_plan: "Hai tháng ở Sở Khoa học và Công nghệ, một số tổng đài, hai cán bộ trực.".into(),
            cost: "85000000".into(),
            experience: "Đã vận hành tổng đài cho hai bệnh viện tuyến huyện.".into(),
            demo_url: String::new(),
            acknowledged: Some("on".into()),
        },
        close - Duration::days(1),
    )
    .await?;
    // The deck's page names the solution, never the team: the panel judges blind.
    attach_pitch(
        db,
        storage,
        &green,
        &tuan,
        "tong-dai-xanh-thuyet-trinh.pdf",
        "Hotline call-back within 24 hours",
    )
    .await?;
    submitted(
        db,
        &hotline,
        &lan,
        ("Nhóm Phù Sa", "Hợp tác xã Công nghệ Phù Sa", "PHUSA026"),
        EntryFields {
            title: "Tin nhắn thoại cho người lớn tuổi".into(),
            summary: "Người gọi để lại lời nhắn bằng giọng nói; hệ thống chuyển thành văn bản, gửi đúng phòng ban và đọc lại kết quả cho người gọi.".into(),
            solution: "Nhận dạng giọng nói tiếng Việt chạy trên máy chủ của tỉnh; cán bộ sửa bản chép khi cần, người gọi nghe lại kết quả qua cuộc gọi tự động.".into(),
            pilot_plan: "Ba tháng ở hai phường, với hội người cao tuổi giúp thử trước.".into(),
            cost: "140000000".into(),
            experience: "Đã làm tổng đài tư vấn nông nghiệp cho ba huyện.".into(),
            demo_url: "https://phusa.example.vn/demo".into(),
            acknowledged: Some("on".into()),
        },
        close - Duration::hours(3),
    )
    .await?;
    let vy = viewer(db, "vy@vidan.local").await?;
    submitted(
        db,
        &hotline,
        &vy,
        ("Nhóm Gọi Lại", "Trường Cao đẳng Nghề Tây Ninh", "GOILAI26"),
        EntryFields {
            title: "Cán bộ gọi lại theo lịch, có nhắc việc".into(),
            summary: "Mỗi cuộc gọi nhỡ thành một việc cần làm có hạn trên bảng của phòng ban; quá hạn thì trưởng phòng được báo.".into(),
            solution: "Bảng việc đơn giản trên máy tính của cán bộ, nhận số gọi nhỡ từ tổng đài hiện có, không cần thay tổng đài.".into(),
            pilot_plan: "Sáu tuần ở một phường, với hai cán bộ trực và báo cáo tuần.".into(),
            cost: "45000000".into(),
            experience: "Sinh viên năm cuối ngành quản trị mạng, đã làm bảng việc cho ký túc xá.".into(),
            demo_url: String::new(),
            acknowledged: Some("on".into()),
        },
        close - Duration::hours(20),
    )
    .await?;
    let ineligible = submitted(
        db,
        &hotline,
        &hung,
        ("Kết Nối 1022", "Công ty Cổ phần Viễn thông Đông Nam", "KN102226"),
        EntryFields {
            title: "Nâng cấp tổng đài 1022".into(),
            summary: "Thêm lời chào tự động và chuyển máy theo lĩnh vực cho tổng đài 1022 hiện có của tỉnh.".into(),
            solution: "Cấu hình thêm kịch bản trả lời tự động trên hệ thống tổng đài đang vận hành.".into(),
            pilot_plan: "Một tháng trên tổng đài 1022 hiện có.".into(),
            cost: "60000000".into(),
            experience: "Đơn vị đang vận hành tổng đài 1022 của tỉnh.".into(),
            demo_url: String::new(),
            acknowledged: Some("on".into()),
        },
        close - Duration::days(2),
    )
    .await?;
    // The hotline challenge belongs to the science department, which the admin acts for.
    let admin = viewer(db, "admin@vidan.local").await?;
    crate::entry::staff::mark_ineligible(
        db,
        links,
        &Requester::acting(&admin),
        ineligible.id,
        INELIGIBLE_REASON,
    )
    .await?;
    crate::audit::service::Record::new("entry.ineligible", "challenge", Some(hotline.id))
        .by(&admin)
        .reason(INELIGIBLE_REASON)
        .details(serde_json::json!({ "team": ineligible.name }))
        .save(db)
        .await?;
    Ok(())
}

const INELIGIBLE_REASON: &str = "Công ty đang có hợp đồng vận hành tổng đài 1022 với tỉnh; theo mục 3 thể lệ, đơn vị đang cung cấp dịch vụ này không được dự thi.";

/// A team of one whose complete entry was submitted at `at`.
pub(super) async fn submitted(
    db: &(impl ConnectionTrait + TransactionTrait),
    c: &challenge::Model,
    owner: &crate::auth::Viewer,
    (name, organisation, code): (&str, &str, &str),
    fields: EntryFields,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<team::Model, AppError> {
    let t = team::ActiveModel {
        challenge_id: Set(c.id),
        name: Set(name.into()),
        organisation_name: Set(Some(organisation.into())),
        search_key: Set(Some(crate::team::service::search_key(
            name,
            Some(organisation),
        ))),
        description: Set(format!("{organisation}.")),
        contact: Set(owner.email.clone().unwrap_or_default()),
        join_code: Set(code.into()),
        owner_id: Set(owner.id),
        created_at: Set(at - Duration::days(10)),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    member::ActiveModel {
        team_id: Set(t.id),
        user_id: Set(owner.id),
        challenge_id: Set(c.id),
        joined_at: Set(at - Duration::days(10)),
    }
    .insert(db)
    .await?;
    let cost = crate::i18n::format::parse_vnd(&fields.cost).unwrap_or(0);
    let e = entry::ActiveModel {
        team_id: Set(t.id),
        challenge_id: Set(c.id),
        search_key: Set(Some(crate::i18n::format::fold_for_search(&fields.title))),
        title: Set(fields.title.clone()),
        summary: Set(fields.summary.clone()),
        solution_md: Set(fields.solution.clone()),
        solution_html: Set(crate::markdown::to_safe_html(&fields.solution)),
        pilot_plan: Set(fields.pilot_plan.clone()),
        cost_vnd: Set(cost),
        experience: Set(fields.experience.clone()),
        demo_url: Set(fields.demo_url.clone()),
        acknowledged: Set(true),
        status: Set("submitted".into()),
        version: Set(3),
        submitted_version: Set(Some(3)),
        submitted_at: Set(Some(at)),
        ineligible_reason: Set(None),
        updated_by: Set(Some(owner.id)),
        created_at: Set(at - Duration::days(5)),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    version::ActiveModel {
        entry_id: Set(e.id),
        number: Set(1),
        content: Set(serde_json::to_string(&fields).map_err(crate::error::internal)?),
        submitted_by: Set(Some(owner.id)),
        submitted_at: Set(at),
        attachments: Set("[]".into()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(t)
}

/// A one-page PDF showing `heading`, attached to the team's submitted entry and marked public.
async fn attach_pitch(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &crate::upload::storage::Storage,
    t: &team::Model,
    owner: &crate::auth::Viewer,
    file_name: &str,
    heading: &str,
) -> Result<(), AppError> {
    let e = entry::Entity::find()
        .filter(entry::Column::TeamId.eq(t.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let link = crate::upload::service::store(
        db,
        storage,
        owner.id,
        crate::upload::service::Purpose::Attachment,
        "file",
        crate::upload::form::Incoming {
            file_name: file_name.into(),
            bytes: super::pdf::one_page(heading).into_bytes(),
        },
    )
    .await
    .map_err(AppError::Invalid)?;
    crate::entry::entity::attachment::ActiveModel {
        entry_id: Set(e.id),
        upload_id: Set(link.id),
        public: Set(true),
        created_at: Set(e.updated_at),
        removed_at: Set(None),
    }
    .insert(db)
    .await?;
    version::Entity::update_many()
        .set(version::ActiveModel {
            attachments: Set(format!("[{}]", link.id)),
            ..Default::default()
        })
        .filter(version::Column::EntryId.eq(e.id))
        .exec(db)
        .await?;
    Ok(())
}
