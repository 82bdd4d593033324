//! Demo helper group and reports filed for people who could not file them: the Youth Union of
//! Ninh Sơn ward writing for an old man who lives alone, and the one-stop desk of Ward 1 writing
//! for Bà Tư (the demo's citizen with a phone and no email), who rated the answer with her
//! receipt and can still take the report into her account.

use sea_orm::{ConnectionTrait, EntityTrait, TransactionTrait};

use super::challenges::{backdate, org_id};
use super::teams::viewer;
use crate::auth::Requester;
use crate::error::AppError;
use crate::report::assisted::NewAssisted;
use crate::report::service::{NewReport, Triage};

/// Files for someone at `desk`, dated `days_ago`: `person` is (name, phone, consent).
#[allow(clippy::too_many_arguments)]
async fn file_for(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &crate::upload::storage::Storage,
    helper: &str,
    desk: String,
    person: (&str, &str, &str),
    org: i64,
    (category, title, description): (&str, &str, &str),
    days_ago: i64,
) -> Result<i64, AppError> {
    let helper = viewer(db, helper).await?;
    let (name, phone, consent) = person;
    let id = crate::report::assisted::create(
        db,
        storage,
        None,
        &Requester::acting(&helper),
        NewAssisted {
            desk,
            filed_for_name: name.into(),
            filed_for_phone: phone.into(),
            consent: consent.into(),
            consented: true,
            report: NewReport {
                organisation_id: Some(org),
                title: title.into(),
                description: description.into(),
                category: category.into(),
                photo: Ok(None),
            },
        },
    )
    .await?;
    backdate(db, id, days_ago).await?;
    Ok(id)
}

pub async fn seed(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    storage: &crate::upload::storage::Storage,
) -> Result<(), AppError> {
    let ward1 = org_id(db, "phuong-1").await?;
    let ninh_son = org_id(db, "phuong-ninh-son").await?;
    let admin = Requester::acting(&viewer(db, "admin@vidan.local").await?);
    let group = crate::helper::service::register(
        db,
        &admin,
        Some(ninh_son),
        "Đoàn Thanh niên phường Ninh Sơn",
        "vy@vidan.local",
    )
    .await?;
    let coordinator = Requester::acting(&viewer(db, "vy@vidan.local").await?);
    crate::helper::service::add_member(db, links, &coordinator, group, "hung@vidan.local", false)
        .await?;

    let lonely = file_for(db, storage, "hung@vidan.local", format!("group:{group}"),
        ("Cụ Phạm Văn Bảy, khu phố 4", "0912 000 082", "signed"), ninh_son,
        ("health", "Người già neo đơn không đi khám bệnh được",
         "Cụ Bảy 84 tuổi, sống một mình, đi lại khó khăn. Trạm y tế phường cách nhà 3 km, cụ không có ai chở đi khám \
          huyết áp định kỳ. Cụ đề nghị trạm y tế cho cán bộ đến khám tại nhà mỗi tháng một lần."), 6).await?;
    crate::report::service::triage(db, links, &admin, lonely, Triage::Acknowledge).await?;

    let allowance = file_for(db, storage, "canbo@vidan.local", format!("org:{ward1}"),
        ("Bà Nguyễn Thị Tư", "0912 000 071", "spoken"), ward1,
        ("admin_procedures", "Không biết nộp hồ sơ trợ cấp người cao tuổi ở đâu",
         "Bà Tư 71 tuổi, tháng trước đủ tuổi hưởng trợ cấp nhưng không biết phải nộp giấy tờ gì và nộp ở đâu. \
          Bà không dùng email, chỉ có điện thoại. Bà đề nghị phường gọi điện hoặc nhắn tin hướng dẫn."), 10).await?;
    let staff = Requester::acting(&viewer(db, "canbo@vidan.local").await?);
    crate::report::service::triage(db, links, &staff, allowance, Triage::Answer(
        "Phường đã gọi cho bà Tư và hẹn cán bộ lao động – thương binh và xã hội đến nhà nhận hồ sơ vào sáng thứ Năm. \
         Bà chỉ cần chuẩn bị căn cước công dân và sổ tiết kiệm để nhận tiền.".into())).await?;
    // She said it solved it, holding her receipt.
    let code = crate::report::entity::report::Entity::find_by_id(allowance)
        .one(db)
        .await?
        .and_then(|r| r.receipt_code)
        .ok_or(AppError::NotFound)?;
    crate::report::service::rate(
        db,
        links,
        &Requester::site(),
        allowance,
        true,
        "",
        Some(&code),
    )
    .await?;
    Ok(())
}
