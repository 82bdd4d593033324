//! Demo reports and challenges drawn from the seeds: queues at the one-stop desk, land-record
//! dossiers nobody can follow, elderly and illiterate citizens alone with forms, a hotline that
//! rings out. Dates are set around today, so the demo always shows something open, something
//! coming and something being judged.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionTrait,
};

use super::teams::viewer;
use crate::audit::service::Record;
use crate::auth::{Requester, Viewer};
use crate::challenge::entity::{challenge, question};
use crate::challenge::model::ChallengeForm;
use crate::challenge::rules::Milestone;
use crate::error::AppError;
use crate::i18n::format::city_datetime_input;
use crate::org::entity::organisation;
use crate::report::entity::report;
use crate::report::service::{NewReport, Triage};

pub(super) async fn org_id(db: &impl ConnectionTrait, slug: &str) -> Result<i64, AppError> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?
        .id)
}

/// Files a report as `author`, dated `days_ago`.
// One argument per field of the report form, so each demo report reads like the form filled in.
#[allow(clippy::too_many_arguments)]
async fn report(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &crate::upload::storage::Storage,
    author: &Viewer,
    org: i64,
    category: &str,
    title: &str,
    description: &str,
    days_ago: i64,
) -> Result<i64, AppError> {
    let id = crate::report::service::create(
        db,
        storage,
        &Requester::acting(author),
        NewReport {
            organisation_id: Some(org),
            title: title.into(),
            description: description.into(),
            category: category.into(),
            photo: Ok(None),
        },
    )
    .await?;
    backdate(db, id, days_ago).await?;
    Ok(id)
}

/// Dates a report filed now `days_ago`, its deadline counted from then.
pub(super) async fn backdate(
    db: &impl ConnectionTrait,
    id: i64,
    days_ago: i64,
) -> Result<(), AppError> {
    let r = report::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let created = Utc::now() - Duration::days(days_ago);
    let org = organisation::Entity::find_by_id(r.organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut active = r.into_active_model();
    active.created_at = Set(created);
    active.updated_at = Set(created);
    active.response_due_at = Set(crate::calendar::service::load(db)
        .await?
        .working_days_after(created, org.response_days as u32));
    active.update(db).await?;
    Ok(())
}

struct DemoChallenge<'a> {
    org: i64,
    title: &'a str,
    summary: &'a str,
    brief: &'a str,
    category: &'a str,
    prizes: &'a [(&'a str, &'a str)],
    pilot_budget: &'a str,
    /// Days from today: opens, entries close, judging closes, results; and the vote window.
    days: (i64, i64, i64, i64),
    vote: Option<(i64, i64)>,
    publish: bool,
}

async fn challenge(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    staff: &Viewer,
    c: DemoChallenge<'_>,
    reports: &[i64],
) -> Result<challenge::Model, AppError> {
    let now = Utc::now();
    let at = |days: i64, hour: i64| {
        let day = (now + Duration::days(days)).date_naive();
        let local = day.and_hms_opt(hour as u32, 0, 0).expect("valid hour");
        city_datetime_input(
            local.and_utc() - Duration::hours(7), // city time → UTC
        )
    };
    let form = ChallengeForm {
        title: c.title.into(),
        summary: c.summary.into(),
        brief: c.brief.into(),
        eligibility:
            "Doanh nghiệp, hợp tác xã, nhóm khởi nghiệp và nhóm sinh viên trong và ngoài tỉnh. \
                      Mỗi người chỉ tham gia một đội."
                .into(),
        team_min: "1".into(),
        team_max: "5".into(),
        category: c.category.into(),
        prize_label: c.prizes.iter().map(|(l, _)| (*l).to_owned()).collect(),
        prize_amount: c.prizes.iter().map(|(_, a)| (*a).to_owned()).collect(),
        pilot_budget: c.pilot_budget.into(),
        vote_enabled: c.vote.map(|_| "on".into()),
        opens_at: at(c.days.0, 8),
        entries_close_at: at(c.days.1, 17),
        judging_closes_at: at(c.days.2, 17),
        vote_opens_at: c.vote.map(|v| at(v.0, 8)).unwrap_or_default(),
        vote_closes_at: c.vote.map(|v| at(v.1, 20)).unwrap_or_default(),
        results_at: at(c.days.3, 9),
    };
    let created = crate::challenge::staff::create(
        db,
        links,
        &Requester::acting(staff),
        c.org,
        &form,
        reports,
    )
    .await?;
    if !c.publish {
        return Ok(created);
    }
    let published_at = now + Duration::days(c.days.0.min(0) - 3);
    let mut active = created.into_active_model();
    active.status = Set("published".into());
    active.published_at = Set(Some(published_at));
    let published = active.update(db).await?;
    let phase = crate::challenge::service::phase_of(&published, now);
    let mut active = published.into_active_model();
    active.notified_phase = Set(Some(phase.code().into()));
    let published = active.update(db).await?;
    Record::new("challenge.publish", "challenge", Some(published.id))
        .by(staff)
        .public()
        .save(db)
        .await?;
    Ok(published)
}

pub async fn seed(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    storage: &crate::upload::storage::Storage,
) -> Result<(), AppError> {
    let ward1 = org_id(db, "phuong-1").await?;
    let ward3 = org_id(db, "phuong-3").await?;
    let ninh_son = org_id(db, "phuong-ninh-son").await?;
    let tan_binh = org_id(db, "xa-tan-binh").await?;
    let centre = org_id(db, "trung-tam-phuc-vu-hanh-chinh-cong").await?;
    let science = org_id(db, "so-khoa-hoc-va-cong-nghe").await?;
    let admin = viewer(db, "admin@vidan.local").await?;
    crate::org::service::grant_staff(
        db,
        links,
        &Requester::acting(&admin),
        centre,
        "canbo@vidan.local",
        Some("Chuyên viên".into()),
    )
    .await?;
    let citizen = viewer(db, "dan@vidan.local").await?;
    let team = viewer(db, "doi@vidan.local").await?;
    let staff = viewer(db, "canbo@vidan.local").await?;

    let queue = report(db, storage, &citizen, ward1, "admin_procedures",
        "Phải xếp hàng hơn hai tiếng ở bộ phận một cửa",
        "Sáng thứ Hai tôi đến bộ phận một cửa của phường lúc 7 giờ để chứng thực giấy tờ, đã có hơn 40 người chờ. \
         Chỉ có một quầy nhận hồ sơ chứng thực, không có số thứ tự điện tử nên ai cũng phải đứng chờ tại chỗ. \
         Tôi phải xin nghỉ nửa ngày làm.", 20).await?;
    let queue_again = report(db, storage, &team, ward1, "admin_procedures",
        "Chờ quá lâu khi làm chứng thực ở phường",
        "Tuần nào tôi cũng thấy hàng dài người chờ chứng thực bản sao, người già phải đứng rất lâu, không có ghế đủ cho mọi người.", 18).await?;
    let land = report(db, storage, &citizen, ward3, "land_housing",
        "Không biết hồ sơ cấp giấy chứng nhận đất đang ở bước nào",
        "Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất đã hơn một tháng. Mỗi lần hỏi phải lên tận nơi, \
         không có cách nào tra cứu tình trạng hồ sơ qua điện thoại.", 12).await?;
    let elderly = report(db, storage, &citizen, ninh_son, "admin_procedures",
        "Người cao tuổi không tự điền được tờ khai",
        "Mẹ tôi 78 tuổi, mắt kém và không đọc được chữ nhỏ. Khi làm thủ tục, tờ khai dài nhiều trang, \
         không có ai hướng dẫn cụ thể nên phải về nhà nhờ con cháu rồi quay lại hôm sau.", 9).await?;
    let hotline = report(db, storage, &team, ward1, "other",
        "Gọi đường dây nóng của phường không ai nghe máy",
        "Tôi gọi số đường dây nóng in trên bảng tin của phường ba lần trong giờ hành chính nhưng không ai nghe. \
         Không có cách nào để lại lời nhắn hay nhận cuộc gọi lại.", 15).await?;
    let lamp = report(db, storage, &citizen, ward3, "transport",
        "Đèn đường hỏng đoạn gần trường tiểu học",
        "Ba cột đèn liền nhau bị hỏng hơn hai tuần, buổi tối học sinh đi học thêm về rất tối và nguy hiểm.", 6).await?;
    report(db, storage, &team, tan_binh, "environment",
        "Rác ứ đọng ở khu chợ sau mỗi phiên chợ",
        "Sau phiên chợ sáng, rác để lại đến chiều mới được thu gom, mùi hôi và ruồi nhặng ảnh hưởng các hộ xung quanh.", 2).await?;

    // Two more the desks have not answered in time, and have not yet apologised for.
    let business = report(db, storage, &citizen, centre, "admin_procedures",
        "Hồ sơ đăng ký hộ kinh doanh quá hẹn trả kết quả",
        "Tôi nộp hồ sơ đăng ký hộ kinh doanh tại Trung tâm, phiếu hẹn ghi trả kết quả sau 3 ngày làm việc. \
         Đã gần ba tuần, gọi điện hỏi thì được bảo chờ thêm, không ai nói rõ hồ sơ đang vướng ở đâu.", 16).await?;
    let flood = report(
        db,
        storage,
        &team,
        ward1,
        "environment",
        "Hẻm 12 ngập nước mỗi khi mưa lớn",
        "Mỗi trận mưa lớn, hẻm 12 ngập đến đầu gối trong hơn một giờ vì cống thoát nước bị tắc. \
         Người già và học sinh không ra vào được.",
        14,
    )
    .await?;
    crate::report::service::triage(
        db,
        links,
        &Requester::acting(&staff),
        flood,
        Triage::Acknowledge,
    )
    .await?;
    let _ = business;
    crate::report::service::support(db, queue, &team, true).await?;
    crate::report::service::support(db, land, &team, true).await?;
    crate::report::service::triage(
        db,
        links,
        &Requester::acting(&staff),
        queue_again,
        Triage::MergeInto(queue),
    )
    .await?;
    crate::report::service::triage(
        db,
        links,
        &Requester::acting(&admin),
        land,
        Triage::Answer(
            "Phường đã chuyển yêu cầu tra cứu hồ sơ lên Trung tâm Phục vụ hành chính công; \
         trong lúc chờ, bà con có thể gọi 0276 3822 322 để hỏi tình trạng hồ sơ. \
         Thành phố sẽ đưa việc tra cứu trực tuyến vào một thử thách đổi mới."
                .into(),
        ),
    )
    .await?;
    crate::report::service::triage(
        db,
        links,
        &Requester::acting(&admin),
        elderly,
        Triage::Acknowledge,
    )
    .await?;
    crate::report::service::triage(db, links, &Requester::acting(&admin), lamp, Triage::OutOfScope(
        "Đèn chiếu sáng đoạn này do Công ty Điện lực quản lý; phường đã chuyển phản ánh sang Điện lực Tây Ninh.".into())).await?;
    // The hotline report missed its deadline: the ward apologised in public and appointed a
    // new date, three working days from today.
    let calendar = crate::calendar::service::load(db).await?;
    let today = Utc::now()
        .with_timezone(&crate::i18n::format::city_offset())
        .date_naive();
    crate::report::apology::apologise(
        db,
        links,
        &Requester::acting(&staff),
        hotline,
        "Tổng đài của phường đang được thay thiết bị; phường phải xin ý kiến Trung tâm Phục vụ \
         hành chính công về việc chuyển cuộc gọi ngoài giờ.",
        &calendar
            .add_working_days(today, 3)
            .format("%Y-%m-%d")
            .to_string(),
    )
    .await?;

    // Filed with the ward, though the Centre issues driving licences: Phường 1 forwards it there,
    // with the reason in public.
    let licence = report(
        db,
        storage,
        &citizen,
        ward1,
        "admin_procedures",
        "Phường không nhận hồ sơ đổi giấy phép lái xe",
        "Tôi mang hồ sơ đổi giấy phép lái xe hết hạn đến bộ phận một cửa của phường nhưng không \
         được nhận, cũng không ai chỉ cho tôi phải nộp ở đâu.",
        2,
    )
    .await?;
    crate::report::routing::forward(
        db,
        links,
        &Requester::acting(&staff),
        licence,
        Some(centre),
        "Cấp đổi giấy phép lái xe do Trung tâm Phục vụ hành chính công tiếp nhận, không thuộc \
         thẩm quyền của phường. Phường đã chuyển phản ánh để Trung tâm trả lời và hướng dẫn.",
    )
    .await?;
    // An open drain on a school route: the ward marks it urgent, due within a working day of
    // office hours.
    let drain = report(
        db,
        storage,
        &citizen,
        ward1,
        "transport",
        "Nắp cống vỡ trên vỉa hè đường Trần Hưng Đạo",
        "Nắp cống trước số nhà 214 đường Trần Hưng Đạo bị vỡ một nửa, hố sâu ngay trên lối học sinh \
         đi bộ đến trường. Buổi tối không có biển báo, đã có người đi xe đạp bị sụp bánh.",
        0,
    )
    .await?;
    crate::report::routing::set_urgency(db, &Requester::acting(&staff), drain, true).await?;

    let one_stop = challenge(db, links, &staff, DemoChallenge {
        org: ward1,
        title: "Rút ngắn thời gian chờ ở bộ phận một cửa",
        summary: "Người dân đang chờ trung bình hơn hai tiếng để chứng thực giấy tờ. Tìm cách để không ai phải chờ quá 30 phút.",
        brief: "## Bối cảnh\n\nMỗi buổi sáng có 150–200 lượt người đến bộ phận một cửa của Phường 1, phần lớn để **chứng thực bản sao** và làm thủ tục hộ tịch. \
                Chỉ có hai quầy tiếp nhận, chưa có số thứ tự điện tử, người dân không biết trước giờ nào vắng.\n\n\
                ## Điều thành phố cần\n\n- Người dân biết trước mình sẽ được phục vụ lúc nào, kể cả khi không có điện thoại thông minh.\n\
                - Cán bộ thấy được lượng người chờ theo giờ để bố trí quầy.\n- Dễ dùng cho người cao tuổi.\n\n\
                ## Dữ liệu có sẵn\n\nSố hồ sơ theo ngày và theo loại thủ tục của năm 2025 (sẽ gửi cho các đội vào vòng trong).",
        category: "admin_procedures",
        prizes: &[("Giải nhất", "50.000.000"), ("Giải nhì", "30.000.000"), ("Giải ba", "20.000.000")],
        pilot_budget: "300.000.000",
        days: (-10, 20, 35, 42),
        vote: Some((24, 31)),
        publish: true,
    }, &[queue]).await?;
    crate::challenge::service::set_follow(db, &Requester::acting(&citizen), one_stop.id, true)
        .await?;
    let q = crate::challenge::service::ask(
        db,
        &Requester::acting(&team),
        one_stop.id,
        "Đội có được đến quan sát bộ phận một cửa trong giờ làm việc trước khi nộp bài không?",
        Utc::now(),
    )
    .await?;
    let q_model = question::Entity::find_by_id(q)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::challenge::staff::answer(db, links, &Requester::acting(&staff), q_model.id,
        "Có. Các đội đăng ký trước với văn phòng phường; mỗi đội được quan sát một buổi sáng thứ Hai hoặc thứ Ba.").await?;
    crate::challenge::service::ask(
        db,
        &Requester::acting(&citizen),
        one_stop.id,
        "Giải pháp có bắt buộc dùng ứng dụng trên điện thoại không?",
        Utc::now(),
    )
    .await?;
    // A deadline already moved once, on the public record.
    let before = crate::challenge::service::timetable_of(&one_stop);
    crate::challenge::staff::move_deadline(
        db,
        links,
        &Requester::acting(&staff),
        one_stop.id,
        Milestone::EntriesClose.field(),
        &city_datetime_input(before.entries_close_at + Duration::days(3)),
        "Nhiều đội đề nghị thêm thời gian để quan sát thực tế tại bộ phận một cửa.",
    )
    .await?;

    challenge(db, links, &staff, DemoChallenge {
        org: centre,
        title: "Theo dõi hồ sơ đất đai trên điện thoại",
        summary: "Người dân nộp hồ sơ đất đai xong là mất dấu. Hãy giúp mỗi hồ sơ có hạn xử lý công khai mà ai cũng tra được.",
        brief: "## Vấn đề\n\nHồ sơ cấp giấy chứng nhận quyền sử dụng đất đi qua nhiều bộ phận. Người nộp không biết hồ sơ đang ở đâu, \
                phải đến tận nơi để hỏi.\n\n## Mong muốn\n\nNhư mô hình “khớp lệnh với dân”: mỗi hồ sơ có mã, có hạn, \
                và người dân tra cứu được bằng tin nhắn hoặc mã QR trên biên nhận.",
        category: "land_housing",
        prizes: &[("Giải nhất", "40.000.000"), ("Giải khuyến khích", "10.000.000")],
        pilot_budget: "250.000.000",
        days: (-20, 5, 20, 25),
        vote: None,
        publish: true,
    }, &[]).await?;

    challenge(db, links, &admin, DemoChallenge {
        org: ninh_son,
        title: "Hỗ trợ người cao tuổi và người không biết chữ làm thủ tục",
        summary: "Nhiều người cao tuổi không tự điền được tờ khai. Tìm cách để họ làm thủ tục một lần là xong.",
        brief: "## Vấn đề\n\nTờ khai dài, chữ nhỏ, thuật ngữ khó. Người cao tuổi và người không biết chữ phải quay lại nhiều lần.\n\n\
                ## Mong muốn\n\nGiải pháp có thể là con người, quy trình hay công nghệ, miễn là đơn giản và chi phí thấp.",
        category: "admin_procedures",
        prizes: &[("Giải nhất", "30.000.000")],
        pilot_budget: "150.000.000",
        days: (7, 37, 50, 55),
        vote: Some((38, 45)),
        publish: true,
    }, &[elderly]).await?;

    challenge(db, links, &admin, DemoChallenge {
        org: science,
        title: "Tiếp nhận phản ánh qua điện thoại cho người không dùng mạng",
        summary: "Đường dây nóng hay bận hoặc không ai nghe. Hãy đề xuất cách nhận và trả lời phản ánh qua điện thoại.",
        brief: "## Vấn đề\n\nNhiều người dân không dùng ứng dụng hay mạng xã hội; điện thoại là kênh duy nhất của họ.\n\n\
                ## Mong muốn\n\nMọi cuộc gọi đều được ghi nhận, có mã phản ánh và được gọi lại trong hạn.",
        category: "other",
        prizes: &[("Giải nhất", "25.000.000")],
        pilot_budget: "100.000.000",
        days: (-40, -3, 10, 14),
        vote: Some((-2, 5)),
        publish: true,
    }, &[]).await?;

    challenge(db, links, &staff, DemoChallenge {
        org: centre,
        title: "Đặt lịch hẹn trước khi đến làm thủ tục",
        summary: "Người dân muốn biết trước giờ được tiếp, thay vì đến từ sáng sớm để xếp hàng. Hãy đề xuất cách đặt lịch hẹn ai cũng dùng được.",
        brief: "## Vấn đề\n\nNgười dân đến Trung tâm từ 6 giờ sáng để giữ chỗ, dù nhiều thủ tục chỉ mất mười phút.\n\n\
                ## Mong muốn\n\nĐặt lịch qua điện thoại, tin nhắn hoặc tại quầy; lịch hẹn được giữ đúng giờ.",
        category: "admin_procedures",
        prizes: &[("Giải nhất", "30.000.000"), ("Giải nhì", "15.000.000"), ("Giải khuyến khích", "5.000.000")],
        pilot_budget: "120.000.000",
        days: (-90, -50, -30, -25),
        vote: Some((-45, -35)),
        publish: true,
    }, &[]).await?;

    challenge(db, links, &staff, DemoChallenge {
        org: ward1,
        title: "Số hoá sổ hộ tịch cũ của phường",
        summary: "Bản nháp: sổ hộ tịch giấy từ năm 1976 cần được số hoá để tra cứu nhanh khi người dân xin trích lục.",
        brief: "",
        category: "admin_procedures",
        prizes: &[],
        pilot_budget: "",
        days: (14, 44, 60, 65),
        vote: None,
        publish: false,
    }, &[]).await?;
    Ok(())
}
