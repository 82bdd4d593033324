//! The city and its wards, communes and departments, and the staff who act for each.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Organisations {
    Table,
    Id,
    Slug,
    NameVi,
    NameEn,
    Kind,
    ParentId,
    ResponseDays,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OrgStaff {
    Table,
    OrganisationId,
    UserId,
    Title,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(big_pk_auto(Organisations::Id))
                    .col(string_len_uniq(Organisations::Slug, 64))
                    .col(string_len(Organisations::NameVi, 160))
                    .col(string_len(Organisations::NameEn, 160))
                    .col(string_len(Organisations::Kind, 16))
                    .col(big_integer_null(Organisations::ParentId))
                    .col(integer(Organisations::ResponseDays).default(5))
                    .col(timestamp_with_time_zone(Organisations::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Organisations::Table, Organisations::ParentId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrgStaff::Table)
                    .col(big_integer(OrgStaff::OrganisationId))
                    .col(big_integer(OrgStaff::UserId))
                    .col(string_len_null(OrgStaff::Title, 120))
                    .col(timestamp_with_time_zone(OrgStaff::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(OrgStaff::OrganisationId)
                            .col(OrgStaff::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrgStaff::Table, OrgStaff::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrgStaff::Table, OrgStaff::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_org_staff_user")
                    .table(OrgStaff::Table)
                    .col(OrgStaff::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OrgStaff::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Organisations::Table).to_owned())
            .await
    }
}
