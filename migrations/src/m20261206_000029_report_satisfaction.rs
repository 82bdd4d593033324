//! The citizen who filed a report says whether the answer solved it; an answer that did not
//! reopens the report once, with the reason, and a new deadline.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reports {
    Table,
    Satisfied,
    RatedAt,
    ReopenedAt,
    ReopenReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for column in [
            boolean_null(Reports::Satisfied),
            timestamp_with_time_zone_null(Reports::RatedAt),
            timestamp_with_time_zone_null(Reports::ReopenedAt),
            text_null(Reports::ReopenReason),
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Reports::Satisfied,
            Reports::RatedAt,
            Reports::ReopenedAt,
            Reports::ReopenReason,
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
        Ok(())
    }
}
