//! Secret keys of the site, one per purpose, made at random the first time they are needed and
//! kept in the database so that every server instance uses the same: a digest keyed with one
//! cannot be worked back, nor made, by anyone who knows only what it was made from.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SiteKeys {
    Table,
    Purpose,
    Secret,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SiteKeys::Table)
                    .col(string_len(SiteKeys::Purpose, 40).primary_key())
                    .col(string_len(SiteKeys::Secret, 64))
                    .col(timestamp_with_time_zone(SiteKeys::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SiteKeys::Table).to_owned())
            .await
    }
}
