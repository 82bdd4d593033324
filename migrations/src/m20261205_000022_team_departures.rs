//! Who left (or was taken off) a team, and when. A person who worked in a team knows who wrote
//! its entry, so they judge no entry of that challenge, even after leaving. The team's number is
//! kept without a key to the team: a team dissolved by its last member leaves its departures.
//! The person is kept as their account and as a digest of their mailbox: an account deleted and
//! registered again on the same address is still someone who left the team.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TeamDepartures {
    Table,
    Id,
    ChallengeId,
    TeamId,
    UserId,
    MailboxHash,
    LeftAt,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TeamDepartures::Table)
                    .col(big_pk_auto(TeamDepartures::Id))
                    .col(big_integer(TeamDepartures::ChallengeId))
                    .col(big_integer(TeamDepartures::TeamId))
                    .col(big_integer_null(TeamDepartures::UserId))
                    .col(string_len(TeamDepartures::MailboxHash, 64))
                    .col(timestamp_with_time_zone(TeamDepartures::LeftAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TeamDepartures::Table, TeamDepartures::ChallengeId)
                            .to(Challenges::Table, Challenges::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TeamDepartures::Table, TeamDepartures::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_team_departures_challenge_user")
                    .table(TeamDepartures::Table)
                    .col(TeamDepartures::ChallengeId)
                    .col(TeamDepartures::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_team_departures_challenge_mailbox")
                    .table(TeamDepartures::Table)
                    .col(TeamDepartures::ChallengeId)
                    .col(TeamDepartures::MailboxHash)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TeamDepartures::Table).to_owned())
            .await
    }
}
