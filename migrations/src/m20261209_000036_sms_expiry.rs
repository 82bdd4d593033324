//! A one-time code's text is worth sending only while its code works: it carries the moment it
//! expires, and a text still queued then is given up instead of sent.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SmsOutbox {
    Table,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SmsOutbox::Table)
                    .add_column(timestamp_with_time_zone_null(SmsOutbox::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SmsOutbox::Table)
                    .drop_column(SmsOutbox::ExpiresAt)
                    .to_owned(),
            )
            .await
    }
}
