//! A two-step secret waiting for its first code belongs to the browser session that drew it:
//! another session of the same account (someone else who has the password) neither sees it nor
//! turns it on.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TwoFactor {
    Table,
    PendingSession,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TwoFactor::Table)
                    .add_column(string_len_null(TwoFactor::PendingSession, 64))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TwoFactor::Table)
                    .drop_column(TwoFactor::PendingSession)
                    .to_owned(),
            )
            .await
    }
}
