//! The public vote: each challenge's vote settings (allowance, live totals, the key behind the
//! anonymous voter ids) and the votes. One person cannot hold two votes for one entry, nor more
//! votes than the allowance: unique indexes say so, whatever the code path or server.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Entries {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum VoteSettings {
    Table,
    ChallengeId,
    Allowance,
    LiveTotals,
    VoterKey,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Votes {
    Table,
    Id,
    ChallengeId,
    EntryId,
    UserId,
    /// 1 to the allowance: the voter's n-th vote.
    Slot,
    /// The network the vote came from (an IPv4 /24 or IPv6 /48), for abuse signals.
    Network,
    CreatedAt,
    VoidedAt,
    VoidReason,
    VoidedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VoteSettings::Table)
                    .col(big_integer(VoteSettings::ChallengeId).primary_key())
                    .col(integer(VoteSettings::Allowance))
                    .col(boolean(VoteSettings::LiveTotals))
                    .col(string_len(VoteSettings::VoterKey, 64))
                    .col(timestamp_with_time_zone(VoteSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(VoteSettings::Table, VoteSettings::ChallengeId)
                            .to(Challenges::Table, Challenges::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Votes::Table)
                    .col(big_pk_auto(Votes::Id))
                    .col(big_integer(Votes::ChallengeId))
                    .col(big_integer(Votes::EntryId))
                    .col(big_integer(Votes::UserId))
                    .col(integer(Votes::Slot))
                    .col(string_len(Votes::Network, 64))
                    .col(timestamp_with_time_zone(Votes::CreatedAt))
                    .col(timestamp_with_time_zone_null(Votes::VoidedAt))
                    .col(text_null(Votes::VoidReason))
                    .col(big_integer_null(Votes::VoidedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Votes::Table, Votes::ChallengeId)
                            .to(Challenges::Table, Challenges::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Votes::Table, Votes::EntryId)
                            .to(Entries::Table, Entries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Votes::Table, Votes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Votes::Table, Votes::VoidedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_votes_one_per_slot",
                [Votes::ChallengeId, Votes::UserId, Votes::Slot],
            ),
            (
                "idx_votes_one_per_entry",
                [Votes::ChallengeId, Votes::UserId, Votes::EntryId],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Votes::Table).unique();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_votes_entry")
                    .table(Votes::Table)
                    .col(Votes::EntryId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Votes::Table.into_iden(), VoteSettings::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
