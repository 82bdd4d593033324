//! Citizens' problem reports, the challenges the city makes of them, and the files both carry.
//! Files live in the database so that every server instance sees the same ones.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;
use crate::m20261122_000002_organisations::Organisations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Uploads {
    Table,
    Id,
    OwnerId,
    Purpose,
    ContentType,
    FileName,
    ByteSize,
    Sha256,
    Data,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    OrganisationId,
    AuthorId,
    Title,
    Description,
    Category,
    Status,
    SearchKey,
    PhotoId,
    Supporters,
    ResponseDueAt,
    RespondedAt,
    AcknowledgedAt,
    Response,
    ResponderId,
    MergedIntoId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReportSupports {
    Table,
    ReportId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
    OrganisationId,
    Slug,
    Title,
    Summary,
    BriefMd,
    BriefHtml,
    Eligibility,
    TeamMin,
    TeamMax,
    Prizes,
    PilotBudgetVnd,
    Category,
    CoverId,
    VoteEnabled,
    Status,
    OpensAt,
    EntriesCloseAt,
    JudgingClosesAt,
    VoteOpensAt,
    VoteClosesAt,
    ResultsAt,
    SearchKey,
    NotifiedPhase,
    CreatedBy,
    PublishedAt,
    CancelledAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ChallengeAttachments {
    Table,
    ChallengeId,
    UploadId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChallengeReports {
    Table,
    ChallengeId,
    ReportId,
}

#[derive(DeriveIden)]
enum ChallengeFollows {
    Table,
    ChallengeId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChallengeQuestions {
    Table,
    Id,
    ChallengeId,
    AuthorId,
    Question,
    Answer,
    AnsweredBy,
    AnsweredAt,
    CreatedAt,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(Alias::new(*col));
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(Uploads::Table)
                    .col(big_pk_auto(Uploads::Id))
                    .col(big_integer_null(Uploads::OwnerId))
                    .col(string_len(Uploads::Purpose, 16))
                    .col(string_len(Uploads::ContentType, 64))
                    .col(string_len(Uploads::FileName, 160))
                    .col(big_integer(Uploads::ByteSize))
                    .col(string_len(Uploads::Sha256, 64))
                    .col(blob(Uploads::Data))
                    .col(timestamp_with_time_zone(Uploads::CreatedAt))
                    .foreign_key(&mut fk(
                        (Uploads::Table, Uploads::OwnerId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Reports::Table)
                    .col(big_pk_auto(Reports::Id))
                    .col(big_integer(Reports::OrganisationId))
                    .col(big_integer_null(Reports::AuthorId))
                    .col(string_len(Reports::Title, 160))
                    .col(text(Reports::Description))
                    .col(string_len(Reports::Category, 32))
                    .col(string_len(Reports::Status, 16))
                    .col(text(Reports::SearchKey))
                    .col(big_integer_null(Reports::PhotoId))
                    .col(integer(Reports::Supporters).default(0))
                    .col(timestamp_with_time_zone(Reports::ResponseDueAt))
                    .col(timestamp_with_time_zone_null(Reports::RespondedAt))
                    .col(timestamp_with_time_zone_null(Reports::AcknowledgedAt))
                    .col(text_null(Reports::Response))
                    .col(big_integer_null(Reports::ResponderId))
                    .col(big_integer_null(Reports::MergedIntoId))
                    .col(timestamp_with_time_zone(Reports::CreatedAt))
                    .col(timestamp_with_time_zone(Reports::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Reports::Table, Reports::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (Reports::Table, Reports::AuthorId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Reports::Table, Reports::PhotoId),
                        (Uploads::Table, Uploads::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Reports::Table, Reports::ResponderId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Reports::Table, Reports::MergedIntoId),
                        (Reports::Table, Reports::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_reports_org_status",
                Reports::Table,
                &["organisation_id", "status"],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_reports_created",
                Reports::Table,
                &["created_at"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReportSupports::Table)
                    .col(big_integer(ReportSupports::ReportId))
                    .col(big_integer(ReportSupports::UserId))
                    .col(timestamp_with_time_zone(ReportSupports::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ReportSupports::ReportId)
                            .col(ReportSupports::UserId),
                    )
                    .foreign_key(&mut fk(
                        (ReportSupports::Table, ReportSupports::ReportId),
                        (Reports::Table, Reports::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ReportSupports::Table, ReportSupports::UserId),
                        (Users::Table, Users::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Challenges::Table)
                    .col(big_pk_auto(Challenges::Id))
                    .col(big_integer(Challenges::OrganisationId))
                    .col(string_len_uniq(Challenges::Slug, 80))
                    .col(string_len(Challenges::Title, 160))
                    .col(string_len(Challenges::Summary, 400))
                    .col(text(Challenges::BriefMd))
                    .col(text(Challenges::BriefHtml))
                    .col(text(Challenges::Eligibility))
                    .col(integer(Challenges::TeamMin))
                    .col(integer(Challenges::TeamMax))
                    .col(text(Challenges::Prizes))
                    .col(big_integer(Challenges::PilotBudgetVnd))
                    .col(string_len(Challenges::Category, 32))
                    .col(big_integer_null(Challenges::CoverId))
                    .col(boolean(Challenges::VoteEnabled))
                    .col(string_len(Challenges::Status, 16))
                    .col(timestamp_with_time_zone(Challenges::OpensAt))
                    .col(timestamp_with_time_zone(Challenges::EntriesCloseAt))
                    .col(timestamp_with_time_zone(Challenges::JudgingClosesAt))
                    .col(timestamp_with_time_zone_null(Challenges::VoteOpensAt))
                    .col(timestamp_with_time_zone_null(Challenges::VoteClosesAt))
                    .col(timestamp_with_time_zone(Challenges::ResultsAt))
                    .col(text(Challenges::SearchKey))
                    .col(string_len_null(Challenges::NotifiedPhase, 16))
                    .col(big_integer_null(Challenges::CreatedBy))
                    .col(timestamp_with_time_zone_null(Challenges::PublishedAt))
                    .col(timestamp_with_time_zone_null(Challenges::CancelledAt))
                    .col(timestamp_with_time_zone(Challenges::CreatedAt))
                    .col(timestamp_with_time_zone(Challenges::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Challenges::Table, Challenges::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (Challenges::Table, Challenges::CoverId),
                        (Uploads::Table, Uploads::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Challenges::Table, Challenges::CreatedBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_challenges_status_opens",
                Challenges::Table,
                &["status", "opens_at"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChallengeAttachments::Table)
                    .col(big_integer(ChallengeAttachments::ChallengeId))
                    .col(big_integer(ChallengeAttachments::UploadId))
                    .col(timestamp_with_time_zone(ChallengeAttachments::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ChallengeAttachments::ChallengeId)
                            .col(ChallengeAttachments::UploadId),
                    )
                    .foreign_key(&mut fk(
                        (
                            ChallengeAttachments::Table,
                            ChallengeAttachments::ChallengeId,
                        ),
                        (Challenges::Table, Challenges::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ChallengeAttachments::Table, ChallengeAttachments::UploadId),
                        (Uploads::Table, Uploads::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChallengeReports::Table)
                    .col(big_integer(ChallengeReports::ChallengeId))
                    .col(big_integer(ChallengeReports::ReportId))
                    .primary_key(
                        Index::create()
                            .col(ChallengeReports::ChallengeId)
                            .col(ChallengeReports::ReportId),
                    )
                    .foreign_key(&mut fk(
                        (ChallengeReports::Table, ChallengeReports::ChallengeId),
                        (Challenges::Table, Challenges::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ChallengeReports::Table, ChallengeReports::ReportId),
                        (Reports::Table, Reports::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChallengeFollows::Table)
                    .col(big_integer(ChallengeFollows::ChallengeId))
                    .col(big_integer(ChallengeFollows::UserId))
                    .col(timestamp_with_time_zone(ChallengeFollows::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ChallengeFollows::ChallengeId)
                            .col(ChallengeFollows::UserId),
                    )
                    .foreign_key(&mut fk(
                        (ChallengeFollows::Table, ChallengeFollows::ChallengeId),
                        (Challenges::Table, Challenges::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ChallengeFollows::Table, ChallengeFollows::UserId),
                        (Users::Table, Users::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChallengeQuestions::Table)
                    .col(big_pk_auto(ChallengeQuestions::Id))
                    .col(big_integer(ChallengeQuestions::ChallengeId))
                    .col(big_integer_null(ChallengeQuestions::AuthorId))
                    .col(text(ChallengeQuestions::Question))
                    .col(text_null(ChallengeQuestions::Answer))
                    .col(big_integer_null(ChallengeQuestions::AnsweredBy))
                    .col(timestamp_with_time_zone_null(
                        ChallengeQuestions::AnsweredAt,
                    ))
                    .col(timestamp_with_time_zone(ChallengeQuestions::CreatedAt))
                    .foreign_key(&mut fk(
                        (ChallengeQuestions::Table, ChallengeQuestions::ChallengeId),
                        (Challenges::Table, Challenges::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ChallengeQuestions::Table, ChallengeQuestions::AuthorId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (ChallengeQuestions::Table, ChallengeQuestions::AnsweredBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_questions_challenge",
                ChallengeQuestions::Table,
                &["challenge_id"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ChallengeQuestions::Table.into_iden(),
            ChallengeFollows::Table.into_iden(),
            ChallengeReports::Table.into_iden(),
            ChallengeAttachments::Table.into_iden(),
            Challenges::Table.into_iden(),
            ReportSupports::Table.into_iden(),
            Reports::Table.into_iden(),
            Uploads::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
