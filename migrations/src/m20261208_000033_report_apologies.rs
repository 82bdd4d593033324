//! A missed deadline answered in public, as the wards' "phiếu xin lỗi và hẹn lại": the
//! organisation apologises with its reason and gives a new appointment date. The report keeps
//! its first deadline (on time is counted against it) and shows the latest appointment.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportApologies {
    Table,
    Id,
    ReportId,
    StaffId,
    SignedBy,
    Reason,
    MissedDueAt,
    NewDueAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    AppointedDueAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReportApologies::Table)
                    .col(big_pk_auto(ReportApologies::Id))
                    .col(big_integer(ReportApologies::ReportId))
                    // The official who signed it: their account (cleared if it is deleted) and
                    // their name, kept as the record of an office.
                    .col(big_integer_null(ReportApologies::StaffId))
                    .col(string_len(ReportApologies::SignedBy, 120))
                    .col(text(ReportApologies::Reason))
                    .col(timestamp_with_time_zone(ReportApologies::MissedDueAt))
                    .col(timestamp_with_time_zone(ReportApologies::NewDueAt))
                    .col(timestamp_with_time_zone(ReportApologies::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReportApologies::Table, ReportApologies::ReportId)
                            .to(Reports::Table, Reports::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_apologies_report")
                    .table(ReportApologies::Table)
                    .col(ReportApologies::ReportId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Reports::Table)
                    .add_column(timestamp_with_time_zone_null(Reports::AppointedDueAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Reports::Table)
                    .drop_column(Reports::AppointedDueAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ReportApologies::Table).to_owned())
            .await
    }
}
