//! Judging: each challenge's panel settings and rubric, its judges and their invitations, declared
//! conflicts of interest, who judges which entry, each judge's score sheets, the awards, and when
//! the teams were told the results are out.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
    /// When the teams were told the results are out (claimed by one server instance).
    ResultsNotifiedAt,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Entries {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Panels {
    Table,
    ChallengeId,
    ScaleMin,
    ScaleMax,
    JudgesPerEntry,
    Blind,
    ShowJudgeNames,
    ClosedAt,
    ClosedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RubricCriteria {
    Table,
    Id,
    ChallengeId,
    Position,
    NameVi,
    NameEn,
    GuidanceVi,
    GuidanceEn,
    Weight,
    CommentRequired,
}

#[derive(DeriveIden)]
enum Judges {
    Table,
    ChallengeId,
    UserId,
    DeclaredAt,
    InvitedBy,
    JoinedAt,
}

#[derive(DeriveIden)]
enum JudgeInvitations {
    Table,
    Id,
    ChallengeId,
    Email,
    TokenHash,
    InvitedBy,
    Status,
    CreatedAt,
    RespondedAt,
}

#[derive(DeriveIden)]
enum Conflicts {
    Table,
    Id,
    ChallengeId,
    UserId,
    TeamId,
    OrganisationName,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    EntryId,
    UserId,
    ChallengeId,
    AssignedBy,
    CreatedAt,
    RecusedAt,
    RecusalReason,
}

#[derive(DeriveIden)]
enum Scores {
    Table,
    EntryId,
    UserId,
    ChallengeId,
    Marks,
    Status,
    Total,
    UpdatedAt,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum Awards {
    Table,
    Id,
    ChallengeId,
    EntryId,
    Prize,
    Position,
    Reason,
    DecidedBy,
    CreatedAt,
}

fn cascade(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn set_null(from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Panels::Table)
                    .col(big_integer(Panels::ChallengeId).primary_key())
                    .col(integer(Panels::ScaleMin))
                    .col(integer(Panels::ScaleMax))
                    .col(integer(Panels::JudgesPerEntry))
                    .col(boolean(Panels::Blind))
                    .col(boolean(Panels::ShowJudgeNames))
                    .col(timestamp_with_time_zone_null(Panels::ClosedAt))
                    .col(big_integer_null(Panels::ClosedBy))
                    .col(timestamp_with_time_zone(Panels::CreatedAt))
                    .col(timestamp_with_time_zone(Panels::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Panels::Table, Panels::ChallengeId),
                        (Challenges::Table, Challenges::Id),
                    ))
                    .foreign_key(&mut set_null((Panels::Table, Panels::ClosedBy)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RubricCriteria::Table)
                    .col(big_pk_auto(RubricCriteria::Id))
                    .col(big_integer(RubricCriteria::ChallengeId))
                    .col(integer(RubricCriteria::Position))
                    .col(string_len(RubricCriteria::NameVi, 120))
                    .col(string_len(RubricCriteria::NameEn, 120))
                    .col(text(RubricCriteria::GuidanceVi))
                    .col(text(RubricCriteria::GuidanceEn))
                    .col(integer(RubricCriteria::Weight))
                    .col(boolean(RubricCriteria::CommentRequired))
                    .foreign_key(&mut cascade(
                        (RubricCriteria::Table, RubricCriteria::ChallengeId),
                        (Challenges::Table, Challenges::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Judges::Table)
                    .col(big_integer(Judges::ChallengeId))
                    .col(big_integer(Judges::UserId))
                    .col(timestamp_with_time_zone_null(Judges::DeclaredAt))
                    .col(big_integer_null(Judges::InvitedBy))
                    .col(timestamp_with_time_zone(Judges::JoinedAt))
                    .primary_key(Index::create().col(Judges::ChallengeId).col(Judges::UserId))
                    .foreign_key(&mut cascade(
                        (Judges::Table, Judges::ChallengeId),
                        (Challenges::Table, Challenges::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Judges::Table, Judges::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut set_null((Judges::Table, Judges::InvitedBy)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JudgeInvitations::Table)
                    .col(big_pk_auto(JudgeInvitations::Id))
                    .col(big_integer(JudgeInvitations::ChallengeId))
                    .col(string_len(JudgeInvitations::Email, 254))
                    .col(string_len_uniq(JudgeInvitations::TokenHash, 64))
                    .col(big_integer_null(JudgeInvitations::InvitedBy))
                    .col(string_len(JudgeInvitations::Status, 16))
                    .col(timestamp_with_time_zone(JudgeInvitations::CreatedAt))
                    .col(timestamp_with_time_zone_null(JudgeInvitations::RespondedAt))
                    .foreign_key(&mut cascade(
                        (JudgeInvitations::Table, JudgeInvitations::ChallengeId),
                        (Challenges::Table, Challenges::Id),
                    ))
                    .foreign_key(&mut set_null((
                        JudgeInvitations::Table,
                        JudgeInvitations::InvitedBy,
                    )))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Conflicts::Table)
                    .col(big_pk_auto(Conflicts::Id))
                    .col(big_integer(Conflicts::ChallengeId))
                    .col(big_integer(Conflicts::UserId))
                    .col(big_integer_null(Conflicts::TeamId))
                    .col(string_len_null(Conflicts::OrganisationName, 160))
                    .col(text(Conflicts::Reason))
                    .col(timestamp_with_time_zone(Conflicts::CreatedAt))
                    .foreign_key(&mut cascade(
                        (Conflicts::Table, Conflicts::ChallengeId),
                        (Challenges::Table, Challenges::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Conflicts::Table, Conflicts::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Conflicts::Table, Conflicts::TeamId),
                        (Teams::Table, Teams::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Assignments::Table)
                    .col(big_integer(Assignments::EntryId))
                    .col(big_integer(Assignments::UserId))
                    .col(big_integer(Assignments::ChallengeId))
                    .col(big_integer_null(Assignments::AssignedBy))
                    .col(timestamp_with_time_zone(Assignments::CreatedAt))
                    .col(timestamp_with_time_zone_null(Assignments::RecusedAt))
                    .col(text_null(Assignments::RecusalReason))
                    .primary_key(
                        Index::create()
                            .col(Assignments::EntryId)
                            .col(Assignments::UserId),
                    )
                    .foreign_key(&mut cascade(
                        (Assignments::Table, Assignments::EntryId),
                        (Entries::Table, Entries::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Assignments::Table, Assignments::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut set_null((Assignments::Table, Assignments::AssignedBy)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Scores::Table)
                    .col(big_integer(Scores::EntryId))
                    .col(big_integer(Scores::UserId))
                    .col(big_integer(Scores::ChallengeId))
                    .col(text(Scores::Marks))
                    .col(string_len(Scores::Status, 16))
                    .col(double_null(Scores::Total))
                    .col(timestamp_with_time_zone(Scores::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Scores::SubmittedAt))
                    .primary_key(Index::create().col(Scores::EntryId).col(Scores::UserId))
                    .foreign_key(&mut cascade(
                        (Scores::Table, Scores::EntryId),
                        (Entries::Table, Entries::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Scores::Table, Scores::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Awards::Table)
                    .col(big_pk_auto(Awards::Id))
                    .col(big_integer(Awards::ChallengeId))
                    .col(big_integer(Awards::EntryId))
                    .col(string_len(Awards::Prize, 120))
                    .col(integer(Awards::Position))
                    .col(text_null(Awards::Reason))
                    .col(big_integer_null(Awards::DecidedBy))
                    .col(timestamp_with_time_zone(Awards::CreatedAt))
                    .foreign_key(&mut cascade(
                        (Awards::Table, Awards::ChallengeId),
                        (Challenges::Table, Challenges::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Awards::Table, Awards::EntryId),
                        (Entries::Table, Entries::Id),
                    ))
                    .foreign_key(&mut set_null((Awards::Table, Awards::DecidedBy)))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .add_column(timestamp_with_time_zone_null(Challenges::ResultsNotifiedAt))
                    .to_owned(),
            )
            .await?;
        for (name, table, col) in [
            (
                "idx_rubric_challenge",
                RubricCriteria::Table.into_iden(),
                RubricCriteria::ChallengeId.into_iden(),
            ),
            (
                "idx_conflicts_challenge",
                Conflicts::Table.into_iden(),
                Conflicts::ChallengeId.into_iden(),
            ),
            (
                "idx_assignments_challenge",
                Assignments::Table.into_iden(),
                Assignments::ChallengeId.into_iden(),
            ),
            (
                "idx_scores_challenge",
                Scores::Table.into_iden(),
                Scores::ChallengeId.into_iden(),
            ),
            (
                "idx_awards_challenge",
                Awards::Table.into_iden(),
                Awards::ChallengeId.into_iden(),
            ),
        ] {
            manager
                .create_index(Index::create().name(name).table(table).col(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .drop_column(Challenges::ResultsNotifiedAt)
                    .to_owned(),
            )
            .await?;
        for table in [
            Awards::Table.into_iden(),
            Scores::Table.into_iden(),
            Assignments::Table.into_iden(),
            Conflicts::Table.into_iden(),
            JudgeInvitations::Table.into_iden(),
            Judges::Table.into_iden(),
            RubricCriteria::Table.into_iden(),
            Panels::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
