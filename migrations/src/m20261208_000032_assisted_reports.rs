//! Reports filed for someone else: a person with no account, or who cannot write, is helped at
//! the one-stop desk by its staff or by a volunteer of a registered helper group (a Youth Union
//! branch, say). The report records who helped, for whom (the name as they wish it shown, the
//! phone they gave) and how they consented; they may later claim it into their own account.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000002_organisations::Organisations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HelperGroups {
    Table,
    Id,
    OrganisationId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum HelperMembers {
    Table,
    GroupId,
    UserId,
    Coordinator,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    AssistedById,
    HelperGroupId,
    FiledForName,
    FiledForPhone,
    Consent,
    ClaimedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HelperGroups::Table)
                    .col(big_pk_auto(HelperGroups::Id))
                    .col(big_integer(HelperGroups::OrganisationId))
                    .col(string_len(HelperGroups::Name, 160))
                    .col(timestamp_with_time_zone(HelperGroups::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(HelperGroups::Table, HelperGroups::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(HelperMembers::Table)
                    .col(big_integer(HelperMembers::GroupId))
                    .col(big_integer(HelperMembers::UserId))
                    .col(boolean(HelperMembers::Coordinator).default(false))
                    .col(timestamp_with_time_zone(HelperMembers::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(HelperMembers::GroupId)
                            .col(HelperMembers::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(HelperMembers::Table, HelperMembers::GroupId)
                            .to(HelperGroups::Table, HelperGroups::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(HelperMembers::Table, HelperMembers::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_helper_members_user")
                    .table(HelperMembers::Table)
                    .col(HelperMembers::UserId)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite adds one at a time. The helper's account and group
        // are plain numbers (SQLite cannot add a foreign key to a table): an account's deletion
        // clears its number here (`privacy::delete`), and a group is never deleted.
        for column in [
            big_integer_null(Reports::AssistedById),
            big_integer_null(Reports::HelperGroupId),
            string_len_null(Reports::FiledForName, 120),
            string_len_null(Reports::FiledForPhone, 20),
            string_len_null(Reports::Consent, 16),
            timestamp_with_time_zone_null(Reports::ClaimedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Reports::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_reports_assisted_by")
                    .table(Reports::Table)
                    .col(Reports::AssistedById)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_reports_assisted_by")
                    .table(Reports::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Reports::AssistedById,
            Reports::HelperGroupId,
            Reports::FiledForName,
            Reports::FiledForPhone,
            Reports::Consent,
            Reports::ClaimedAt,
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
            .drop_table(Table::drop().table(HelperMembers::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(HelperGroups::Table).to_owned())
            .await
    }
}
