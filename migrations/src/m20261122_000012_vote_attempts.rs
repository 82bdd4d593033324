//! Every cast or withdrawal, kept briefly to limit how fast one account or one network may vote
//! (a table, so the limit holds across server instances).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VoteAttempts {
    Table,
    Id,
    UserId,
    Network,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VoteAttempts::Table)
                    .col(big_pk_auto(VoteAttempts::Id))
                    .col(big_integer(VoteAttempts::UserId))
                    .col(string_len(VoteAttempts::Network, 64))
                    .col(timestamp_with_time_zone(VoteAttempts::At))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_vote_attempts_user", VoteAttempts::UserId),
            ("idx_vote_attempts_network", VoteAttempts::Network),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(VoteAttempts::Table)
                        .col(col)
                        .col(VoteAttempts::At)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(VoteAttempts::Table).to_owned())
            .await
    }
}
