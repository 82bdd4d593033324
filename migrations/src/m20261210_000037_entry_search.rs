//! Entries and teams found by a word of their names: each keeps its name folded for search
//! (lower case, without Vietnamese marks), as challenges and reports do. Empty until the server
//! fills the rows written before this (it folds as the application does).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Teams {
    Table,
    SearchKey,
}

#[derive(DeriveIden)]
enum Entries {
    Table,
    SearchKey,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Teams::Table)
                    .add_column(text_null(Teams::SearchKey))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Entries::Table)
                    .add_column(text_null(Entries::SearchKey))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Entries::Table)
                    .drop_column(Entries::SearchKey)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Teams::Table)
                    .drop_column(Teams::SearchKey)
                    .to_owned(),
            )
            .await
    }
}
