//! A team's entry to its challenge, and every version it submitted. `version` counts saves, so two
//! members saving at once cannot overwrite each other unnoticed.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Entries {
    Table,
    Id,
    TeamId,
    ChallengeId,
    Title,
    Summary,
    SolutionMd,
    SolutionHtml,
    PilotPlan,
    CostVnd,
    Experience,
    DemoUrl,
    Acknowledged,
    Status,
    Version,
    SubmittedVersion,
    SubmittedAt,
    IneligibleReason,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EntryVersions {
    Table,
    Id,
    EntryId,
    Number,
    Content,
    SubmittedBy,
    SubmittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Entries::Table)
                    .col(big_pk_auto(Entries::Id))
                    .col(big_integer_uniq(Entries::TeamId))
                    .col(big_integer(Entries::ChallengeId))
                    .col(string_len(Entries::Title, 160))
                    .col(text(Entries::Summary))
                    .col(text(Entries::SolutionMd))
                    .col(text(Entries::SolutionHtml))
                    .col(text(Entries::PilotPlan))
                    .col(big_integer(Entries::CostVnd))
                    .col(text(Entries::Experience))
                    .col(string_len(Entries::DemoUrl, 500))
                    .col(boolean(Entries::Acknowledged))
                    .col(string_len(Entries::Status, 16))
                    .col(integer(Entries::Version))
                    .col(integer_null(Entries::SubmittedVersion))
                    .col(timestamp_with_time_zone_null(Entries::SubmittedAt))
                    .col(text_null(Entries::IneligibleReason))
                    .col(big_integer_null(Entries::UpdatedBy))
                    .col(timestamp_with_time_zone(Entries::CreatedAt))
                    .col(timestamp_with_time_zone(Entries::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Entries::Table, Entries::TeamId)
                            .to(Teams::Table, Teams::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Entries::Table, Entries::ChallengeId)
                            .to(Challenges::Table, Challenges::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Entries::Table, Entries::UpdatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_entries_challenge")
                    .table(Entries::Table)
                    .col(Entries::ChallengeId)
                    .col(Entries::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EntryVersions::Table)
                    .col(big_pk_auto(EntryVersions::Id))
                    .col(big_integer(EntryVersions::EntryId))
                    .col(integer(EntryVersions::Number))
                    .col(text(EntryVersions::Content))
                    .col(big_integer_null(EntryVersions::SubmittedBy))
                    .col(timestamp_with_time_zone(EntryVersions::SubmittedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EntryVersions::Table, EntryVersions::EntryId)
                            .to(Entries::Table, Entries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EntryVersions::Table, EntryVersions::SubmittedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_entry_versions_number")
                    .table(EntryVersions::Table)
                    .col(EntryVersions::EntryId)
                    .col(EntryVersions::Number)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [EntryVersions::Table.into_iden(), Entries::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
