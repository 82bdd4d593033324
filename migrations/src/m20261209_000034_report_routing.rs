//! A report that needs a faster answer, and one sent to the wrong place: staff mark a report
//! urgent (its deadline is then counted in working hours), or forward it to the organisation that
//! can act on it with a public reason. Each forwarding is kept: where it came from, when the first
//! organisation had received it and the deadline it had then, so both are counted fairly.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportForwards {
    Table,
    Id,
    ReportId,
    FromOrganisationId,
    ToOrganisationId,
    StaffId,
    SignedBy,
    Reason,
    ReceivedAt,
    DueAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    UrgentAt,
    ForwardedAt,
    FirstDueAt,
    FirstRespondedAt,
}

#[derive(DeriveIden)]
enum ReportApologies {
    Table,
    OrganisationId,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReportForwards::Table)
                    .col(big_pk_auto(ReportForwards::Id))
                    .col(big_integer(ReportForwards::ReportId))
                    .col(big_integer(ReportForwards::FromOrganisationId))
                    .col(big_integer(ReportForwards::ToOrganisationId))
                    // The official who forwarded it: their account (cleared if it is deleted)
                    // and their name, kept as the record of an office.
                    .col(big_integer_null(ReportForwards::StaffId))
                    .col(string_len(ReportForwards::SignedBy, 120))
                    .col(text(ReportForwards::Reason))
                    // When the organisation that forwarded it had received it, and the deadline
                    // it was held to then: forwarding before it counts as answered on time.
                    .col(timestamp_with_time_zone(ReportForwards::ReceivedAt))
                    .col(timestamp_with_time_zone(ReportForwards::DueAt))
                    .col(timestamp_with_time_zone(ReportForwards::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReportForwards::Table, ReportForwards::ReportId)
                            .to(Reports::Table, Reports::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReportForwards::Table, ReportForwards::FromOrganisationId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReportForwards::Table, ReportForwards::ToOrganisationId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_forwards_report")
                    .table(ReportForwards::Table)
                    .col(ReportForwards::ReportId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_forwards_from")
                    .table(ReportForwards::Table)
                    .col(ReportForwards::FromOrganisationId)
                    .to_owned(),
            )
            .await?;
        // When staff marked it urgent (none: counted in working days).
        manager
            .alter_table(
                Table::alter()
                    .table(Reports::Table)
                    .add_column(timestamp_with_time_zone_null(Reports::UrgentAt))
                    .to_owned(),
            )
            .await?;
        // When the organisation that holds it now received it by forwarding (none: it was
        // filed there). And, once an answer is reopened, the deadline and the answer it was
        // first counted by (on time is counted by the first answer, as the wards count it).
        for column in [
            Reports::ForwardedAt,
            Reports::FirstDueAt,
            Reports::FirstRespondedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Reports::Table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        // Which organisation apologised: a report forwarded since keeps whose apology it was.
        manager
            .alter_table(
                Table::alter()
                    .table(ReportApologies::Table)
                    .add_column(big_integer_null(ReportApologies::OrganisationId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ReportApologies::Table)
                    .drop_column(ReportApologies::OrganisationId)
                    .to_owned(),
            )
            .await?;
        for column in [
            Reports::FirstRespondedAt,
            Reports::FirstDueAt,
            Reports::ForwardedAt,
            Reports::UrgentAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Reports::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ReportForwards::Table).to_owned())
            .await
    }
}
