//! What counting needs on a large city. Vote totals are kept between requests: each challenge's
//! vote has a revision that every change to its votes moves on, so an instance knows whether the
//! totals it holds are still current; an index holding every column the totals read lets the
//! database count votes without the table. The dashboard counts submitted entries by an index.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VoteRevisions {
    Table,
    ChallengeId,
    Revision,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Votes {
    Table,
    ChallengeId,
    VoidedAt,
    EntryId,
    UserId,
}

#[derive(DeriveIden)]
enum Entries {
    Table,
    SubmittedAt,
}

const COUNTED: &str = "idx_votes_counted";
const SUBMITTED: &str = "idx_entries_submitted";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VoteRevisions::Table)
                    .col(big_integer(VoteRevisions::ChallengeId).primary_key())
                    .col(big_integer(VoteRevisions::Revision).default(0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(VoteRevisions::Table, VoteRevisions::ChallengeId)
                            .to(Challenges::Table, Challenges::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(COUNTED)
                    .table(Votes::Table)
                    .col(Votes::ChallengeId)
                    .col(Votes::VoidedAt)
                    .col(Votes::EntryId)
                    .col(Votes::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(SUBMITTED)
                    .table(Entries::Table)
                    .col(Entries::SubmittedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(SUBMITTED)
                    .table(Entries::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name(COUNTED).table(Votes::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(VoteRevisions::Table).to_owned())
            .await
    }
}
