//! Every signed-in request asks whether its person sits on a judging panel; the panels' key starts
//! with the challenge, so without this index that question reads the whole table.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Judges {
    Table,
    UserId,
}

const BY_PERSON: &str = "idx_judges_user";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(BY_PERSON)
                    .table(Judges::Table)
                    .col(Judges::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(BY_PERSON)
                    .table(Judges::Table)
                    .to_owned(),
            )
            .await
    }
}
