//! The demo city's past year of answers to its citizens, so the dashboard's monthly figures have
//! a trend to show: two or three reports a month, filed, answered (most within the deadline, a
//! few late) and rated, through the same services as today's reports, then dated back with
//! their public records.

use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::challenges::org_id;
use super::teams::viewer;
use crate::auth::Requester;
use crate::error::AppError;
use crate::i18n::format::city_offset;
use crate::report::figures::Month;
use crate::report::service::{NewReport, Triage};

/// One past report: months ago it was filed (and the day of that month), where, what, how many
/// working days the answer took, the answer, and what the person who filed said of it.
struct Past {
    months_ago: i64,
    org: &'static str,
    category: &'static str,
    title: &'static str,
    description: &'static str,
    answered_after: u32,
    answer: &'static str,
    satisfied: Option<bool>,
}

const PAST: &[Past] = &[
    Past {
        months_ago: 11,
        org: "phuong-1",
        category: "environment",
        title: "Cây xanh nghiêng sắp đổ trước chợ Phường 1",
        description: "Cây dầu trước cổng chợ nghiêng hẳn ra đường sau trận mưa tuần trước, rễ bật lên một bên. Sáng nào cũng đông người mua bán đứng bên dưới.",
        answered_after: 2,
        answer: "Phường đã phối hợp Công ty Công viên cây xanh chằng chống và cắt tỉa cây vào sáng thứ Bảy; cây sẽ được kiểm tra lại sau một tháng.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 11,
        org: "trung-tam-phuc-vu-hanh-chinh-cong",
        category: "admin_procedures",
        title: "Máy lấy số thứ tự ở Trung tâm hay bị treo",
        description: "Máy lấy số ở sảnh tầng 1 treo hai lần trong buổi sáng, người dân phải chờ nhân viên khởi động lại, có người bị mất lượt.",
        answered_after: 4,
        answer: "Trung tâm đã thay bộ nguồn của máy và bố trí nhân viên hướng dẫn ở sảnh giờ cao điểm để cấp số bằng tay khi máy lỗi.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 10,
        org: "phuong-3",
        category: "transport",
        title: "Vạch kẻ đường qua trường học bị mờ hết",
        description: "Vạch qua đường trước trường tiểu học trên đường Nguyễn Trãi đã mờ, xe không giảm tốc, phụ huynh rất lo khi đưa đón con.",
        answered_after: 5,
        answer: "Phường đã đề nghị và Sở Giao thông vận tải sơn lại vạch, lắp thêm biển báo khu vực trường học trong tuần này.",
        satisfied: None,
    },
    Past {
        months_ago: 10,
        org: "phuong-ninh-son",
        category: "health",
        title: "Trạm y tế phường đóng cửa giờ trưa",
        description: "Trạm y tế đóng cửa từ 11 giờ đến 13 giờ 30, người làm công nhân chỉ có giờ nghỉ trưa để đưa con đi tiêm nhưng không được.",
        answered_after: 3,
        answer: "Từ tháng sau, trạm y tế mở cửa tiêm chủng vào trưa thứ Tư và sáng thứ Bảy hằng tuần cho người đi làm.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 9,
        org: "xa-tan-binh",
        category: "environment",
        title: "Kênh thủy lợi đầu ấp bị lục bình bít kín",
        description: "Đoạn kênh gần cầu ấp 2 bị lục bình phủ kín cả trăm mét, nước không chảy, muỗi nhiều.",
        answered_after: 5,
        answer: "Xã đã huy động đoàn viên thanh niên và dân quân vớt lục bình hai ngày cuối tuần; đoạn kênh đã thông.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 9,
        org: "phuong-1",
        category: "admin_procedures",
        title: "Không biết cần giấy tờ gì để đăng ký tạm trú",
        description: "Tôi thuê trọ ở phường, lên làm đăng ký tạm trú hai lần vẫn thiếu giấy, bảng hướng dẫn ở bộ phận một cửa không ghi rõ.",
        answered_after: 2,
        answer: "Phường đã in lại bảng hướng dẫn thủ tục tạm trú, ghi rõ từng loại giấy cho người thuê trọ, và đăng cùng nội dung lên trang của phường.",
        satisfied: Some(false),
    },
    Past {
        months_ago: 8,
        org: "phuong-3",
        category: "environment",
        title: "Điểm tập kết rác tự phát ở hẻm 45",
        description: "Đầu hẻm 45 thành chỗ đổ rác của cả khu, chiều nào cũng bốc mùi, chó mèo bới tung ra đường.",
        answered_after: 4,
        answer: "Phường đã dọn điểm rác, đặt biển cấm đổ rác và lịch thu gom cố định lúc 17 giờ hằng ngày; tổ dân phố sẽ nhắc các hộ.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 8,
        org: "trung-tam-phuc-vu-hanh-chinh-cong",
        category: "land_housing",
        title: "Hồ sơ sang tên nhà đất bị yêu cầu bổ sung nhiều lần",
        description: "Mỗi lần đến bổ sung hồ sơ sang tên, cán bộ lại yêu cầu thêm một loại giấy khác, đã đi bốn lần.",
        answered_after: 5,
        answer: "Trung tâm đã xin lỗi ông; từ nay mọi yêu cầu bổ sung được ghi một lần, đủ, trên phiếu hướng dẫn có chữ ký cán bộ.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 7,
        org: "phuong-ninh-son",
        category: "transport",
        title: "Ổ gà lớn trên đường vào khu dân cư",
        description: "Đường vào khu dân cư số 3 có ổ gà sâu, trời mưa đọng nước không thấy, đã có người ngã xe.",
        answered_after: 9,
        answer: "Phường đã vá tạm bằng đá dăm và đưa đoạn đường vào kế hoạch thảm nhựa quý tới.",
        satisfied: Some(false),
    },
    Past {
        months_ago: 7,
        org: "phuong-1",
        category: "other",
        title: "Loa phát thanh phường bật quá sớm",
        description: "Loa phát thanh đầu hẻm bật lúc 5 giờ 30 sáng, rất to, người già và trẻ nhỏ không ngủ được.",
        answered_after: 1,
        answer: "Phường đã chuyển giờ phát thanh sang 6 giờ 30 và chỉnh hướng loa, giảm âm lượng ở khu dân cư.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 6,
        org: "xa-tan-binh",
        category: "admin_procedures",
        title: "Xác nhận giấy tờ ở xã phải chờ chủ tịch về ký",
        description: "Tôi cần xác nhận hộ nghèo để con làm hồ sơ học bổng nhưng phải chờ gần một tuần vì chủ tịch xã đi họp.",
        answered_after: 4,
        answer: "Xã đã phân công phó chủ tịch ký thay khi chủ tịch vắng, giấy xác nhận được trả trong ngày.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 6,
        org: "phuong-3",
        category: "health",
        title: "Bãi đất trống sau nhà văn hóa có nhiều muỗi",
        description: "Bãi đất trống cỏ mọc cao, nước đọng, khu phố có hai cháu bị sốt xuất huyết trong tháng.",
        answered_after: 3,
        answer: "Phường đã phát quang bãi đất, phun hóa chất diệt muỗi toàn khu phố và phát tờ rơi phòng sốt xuất huyết.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 5,
        org: "phuong-1",
        category: "transport",
        title: "Xe tải đậu chiếm lòng đường ban đêm",
        description: "Ban đêm xe tải đậu kín một bên đường Lý Thường Kiệt, xe máy phải đi sát vào giữa, rất dễ va chạm.",
        answered_after: 8,
        answer: "Công an phường đã tuần tra, nhắc nhở và xử phạt các trường hợp vi phạm; sẽ kiểm tra định kỳ hằng tuần.",
        satisfied: None,
    },
    Past {
        months_ago: 5,
        org: "trung-tam-phuc-vu-hanh-chinh-cong",
        category: "admin_procedures",
        title: "Thanh toán phí trực tuyến báo lỗi nhưng vẫn trừ tiền",
        description: "Tôi nộp lệ phí cấp bản sao trên cổng dịch vụ công, trang báo lỗi nhưng tài khoản ngân hàng đã bị trừ tiền.",
        answered_after: 3,
        answer: "Trung tâm đã đối soát với ngân hàng, khoản phí đã được ghi nhận cho hồ sơ của bà; bản sao trả đúng hẹn.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 4,
        org: "phuong-ninh-son",
        category: "environment",
        title: "Cống thoát nước bốc mùi hôi trước trường mầm non",
        description: "Miệng cống trước trường mầm non bốc mùi nặng, buổi sáng phụ huynh đứng chờ phải bịt mũi.",
        answered_after: 4,
        answer: "Phường đã nạo vét đoạn cống và lắp nắp ngăn mùi; sẽ nạo vét định kỳ trước mùa mưa.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 4,
        org: "phuong-3",
        category: "admin_procedures",
        title: "Bộ phận một cửa không nhận hồ sơ sau 16 giờ",
        description: "Giờ làm việc ghi đến 17 giờ nhưng sau 16 giờ cán bộ không nhận hồ sơ mới, tôi xin nghỉ làm đến thì bị hẹn hôm sau.",
        answered_after: 2,
        answer: "Phường đã chấn chỉnh: hồ sơ được nhận đến 17 giờ; hồ sơ nhận sau 16 giờ được tính từ ngày làm việc tiếp theo và ghi rõ trên phiếu hẹn.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 3,
        org: "xa-tan-binh",
        category: "transport",
        title: "Cầu khỉ qua kênh ấp 4 bị gãy tay vịn",
        description: "Tay vịn cầu khỉ qua kênh ấp 4 gãy mấy đoạn, học sinh đi học qua cầu mỗi ngày.",
        answered_after: 5,
        answer: "Xã đã thay tay vịn bằng ống thép và đưa việc làm cầu bê tông vào kế hoạch đầu tư công năm sau.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 3,
        org: "phuong-1",
        category: "health",
        title: "Người cao tuổi chờ cấp thẻ bảo hiểm y tế quá lâu",
        description: "Bố tôi 82 tuổi, làm thủ tục cấp thẻ bảo hiểm y tế miễn phí đã hơn một tháng chưa có thẻ.",
        answered_after: 7,
        answer: "Phường đã liên hệ Bảo hiểm xã hội quận; thẻ của cụ đã được cấp, cán bộ phường mang đến tận nhà.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 2,
        org: "phuong-3",
        category: "environment",
        title: "Công trình xây dựng xả bùn ra đường",
        description: "Công trình xây nhà trên đường Võ Văn Tần xả bùn đất ra đường mỗi chiều, trời mưa trơn trượt.",
        answered_after: 3,
        answer: "Phường đã lập biên bản, yêu cầu chủ công trình làm hố lắng và rửa xe trước khi ra đường; sẽ kiểm tra lại.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 2,
        org: "trung-tam-phuc-vu-hanh-chinh-cong",
        category: "admin_procedures",
        title: "Tổng đài hỗ trợ dịch vụ công không ai nghe máy",
        description: "Tôi gọi tổng đài hỗ trợ dịch vụ công nhiều lần trong giờ hành chính, chỉ nghe nhạc chờ rồi tự ngắt.",
        answered_after: 4,
        answer: "Trung tâm đã thêm hai điện thoại viên giờ cao điểm và chức năng gọi lại khi máy bận.",
        satisfied: Some(false),
    },
    Past {
        months_ago: 1,
        org: "phuong-ninh-son",
        category: "admin_procedures",
        title: "Không có chỗ ngồi chờ ở bộ phận một cửa",
        description: "Phòng chờ bộ phận một cửa chỉ có sáu ghế, người lớn tuổi phải đứng chờ cả tiếng.",
        answered_after: 2,
        answer: "Phường đã bố trí thêm hai băng ghế dài và ưu tiên lượt cho người trên 70 tuổi.",
        satisfied: Some(true),
    },
    Past {
        months_ago: 1,
        org: "xa-tan-binh",
        category: "other",
        title: "Đèn chiếu sáng đường liên ấp tắt nhiều đêm",
        description: "Đường liên ấp 1 – ấp 3 có năm bóng đèn tắt, buổi tối công nhân đi làm ca về rất tối.",
        answered_after: 3,
        answer: "Xã đã thay năm bóng đèn và lắp rơ-le hẹn giờ mới.",
        satisfied: None,
    },
];

/// Files the past reports and dates them back. Runs once, on an empty database, after the
/// accounts and organisations exist.
pub async fn seed(
    db: &(impl ConnectionTrait + TransactionTrait),
    links: &crate::links::Links,
    storage: &crate::upload::storage::Storage,
) -> Result<(), AppError> {
    let citizens = [
        viewer(db, "dan@vidan.local").await?,
        viewer(db, "mai@vidan.local").await?,
        viewer(db, "tuan@vidan.local").await?,
        viewer(db, "lan@vidan.local").await?,
    ];
    let admin = viewer(db, "admin@vidan.local").await?;
    let calendar = crate::calendar::service::load(db).await?;
    let now = Utc::now();
    for (i, past) in PAST.iter().enumerate() {
        let author = &citizens[i % citizens.len()];
        let org = org_id(db, past.org).await?;
        let id = crate::report::service::create(
            db,
            storage,
            &Requester::acting(author),
            NewReport {
                organisation_id: Some(org),
                title: past.title.into(),
                description: past.description.into(),
                category: past.category.into(),
                photo: Ok(None),
            },
        )
        .await?;
        crate::report::service::triage(
            db,
            links,
            &Requester::acting(&admin),
            id,
            Triage::Answer(past.answer.into()),
        )
        .await?;
        if let Some(satisfied) = past.satisfied {
            let reason = "Vấn đề vẫn chưa được giải quyết như đã trả lời.";
            crate::report::service::rate(
                db,
                links,
                &Requester::acting(author),
                id,
                satisfied,
                if satisfied { "" } else { reason },
                None,
            )
            .await?;
            if !satisfied {
                // Reopened once, then answered again; the second word stays "not solved".
                crate::report::service::triage(
                    db,
                    links,
                    &Requester::acting(&admin),
                    id,
                    Triage::Answer(format!("{} Đã kiểm tra lại tại chỗ.", past.answer)),
                )
                .await?;
                crate::report::service::rate(
                    db,
                    links,
                    &Requester::acting(author),
                    id,
                    false,
                    reason,
                    None,
                )
                .await?;
            }
        }
        // Filed at 9:00 on a day of that month (the 3rd to the 24th, spread by the list's order).
        let month = (0..past.months_ago).fold(Month::of(now), |m, _| m.previous());
        let day = 3 + (i as u32 * 7) % 22;
        let filed = city_offset()
            .with_ymd_and_hms(month.year, month.month, day, 9, 0, 0)
            .single()
            .expect("a fixed offset")
            .with_timezone(&Utc);
        let answered = calendar.working_days_after(filed, past.answered_after);
        date_back(db, id, org, filed, answered, &calendar).await?;
    }
    Ok(())
}

/// Dates a report and its records back: filed at `filed`, its deadline from then, answered (and
/// rated, and its author's notifications read) at `answered`.
async fn date_back(
    db: &impl ConnectionTrait,
    id: i64,
    org: i64,
    filed: DateTime<Utc>,
    answered: DateTime<Utc>,
    calendar: &crate::calendar::Calendar,
) -> Result<(), AppError> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    use crate::report::entity::report;

    let days = crate::org::entity::organisation::Entity::find_by_id(org)
        .one(db)
        .await?
        .map_or(5, |o| o.response_days.max(1) as u32);
    // Answered in the afternoon of its day; rated the next morning.
    let answered = answered - Duration::hours(8);
    let rated = answered + Duration::hours(16);
    let r = report::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    report::Entity::update_many()
        .col_expr(report::Column::CreatedAt, Expr::value(filed))
        .col_expr(
            report::Column::ResponseDueAt,
            Expr::value(calendar.working_days_after(filed, days)),
        )
        .col_expr(report::Column::RespondedAt, Expr::value(answered))
        .col_expr(report::Column::UpdatedAt, Expr::value(rated))
        .col_expr(
            report::Column::RatedAt,
            Expr::value(r.rated_at.map(|_| rated)),
        )
        .col_expr(
            report::Column::ReopenedAt,
            Expr::value(r.reopened_at.map(|_| answered)),
        )
        .filter(report::Column::Id.eq(id))
        .exec(db)
        .await?;
    let backend = db.get_database_backend();
    for (sql, at) in [
        (
            "UPDATE audit_log SET created_at = ?1 WHERE target_kind = 'report' AND target_id = ?2 \
             AND action = 'report.create'",
            filed,
        ),
        (
            "UPDATE audit_log SET created_at = ?1 WHERE target_kind = 'report' AND target_id = ?2 \
             AND action <> 'report.create'",
            answered,
        ),
    ] {
        db.execute_raw(crate::sql::numbered(backend, sql, [at.into(), id.into()]))
            .await?;
    }
    db.execute_raw(crate::sql::numbered(
        backend,
        "UPDATE notifications SET created_at = ?1, read_at = ?1 WHERE link = ?2",
        [answered.into(), format!("/reports/{id}").into()],
    ))
    .await?;
    Ok(())
}
