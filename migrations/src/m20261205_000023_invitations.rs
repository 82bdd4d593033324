//! One table of invitations for both of their owners: a team inviting a member and a challenge's
//! panel inviting a judge. Each is sent to an address within a challenge; a team's also names the
//! team (a seat on the panel names none). The two tables they were kept in are copied over and
//! dropped.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    ChallengeId,
    TeamId,
    Email,
    TokenHash,
    InvitedBy,
    Status,
    CreatedAt,
    RespondedAt,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

/// The tables before this step, for going down.
#[derive(DeriveIden)]
enum TeamInvitations {
    Table,
    Id,
    TeamId,
}

#[derive(DeriveIden)]
enum JudgeInvitations {
    Table,
    Id,
    ChallengeId,
}

/// The columns both old tables had beside their owner.
fn invitation_columns(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(string_len(Invitations::Email, 254))
        .col(string_len_uniq(Invitations::TokenHash, 64))
        .col(big_integer_null(Invitations::InvitedBy))
        .col(string_len(Invitations::Status, 16))
        .col(timestamp_with_time_zone(Invitations::CreatedAt))
        .col(timestamp_with_time_zone_null(Invitations::RespondedAt))
}

const COPY_TEAMS: &str = "INSERT INTO invitations \
    (challenge_id, team_id, email, token_hash, invited_by, status, created_at, responded_at) \
    SELECT t.challenge_id, i.team_id, i.email, i.token_hash, i.invited_by, i.status, \
    i.created_at, i.responded_at FROM team_invitations i JOIN teams t ON t.id = i.team_id \
    ORDER BY i.id";

const COPY_BACK_TEAMS: &str = "INSERT INTO team_invitations \
    (team_id, email, token_hash, invited_by, status, created_at, responded_at) \
    SELECT team_id, email, token_hash, invited_by, status, created_at, responded_at \
    FROM invitations WHERE team_id IS NOT NULL ORDER BY id";

const COPY_BACK_PANELS: &str = "INSERT INTO judge_invitations \
    (challenge_id, email, token_hash, invited_by, status, created_at, responded_at) \
    SELECT challenge_id, email, token_hash, invited_by, status, created_at, responded_at \
    FROM invitations WHERE team_id IS NULL ORDER BY id";

const COPY_PANELS: &str = "INSERT INTO invitations \
    (challenge_id, team_id, email, token_hash, invited_by, status, created_at, responded_at) \
    SELECT challenge_id, NULL, email, token_hash, invited_by, status, created_at, responded_at \
    FROM judge_invitations ORDER BY id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(big_pk_auto(Invitations::Id))
                    .col(big_integer(Invitations::ChallengeId))
                    .col(big_integer_null(Invitations::TeamId))
                    .col(string_len(Invitations::Email, 254))
                    .col(string_len_uniq(Invitations::TokenHash, 64))
                    .col(big_integer_null(Invitations::InvitedBy))
                    .col(string_len(Invitations::Status, 16))
                    .col(timestamp_with_time_zone(Invitations::CreatedAt))
                    .col(timestamp_with_time_zone_null(Invitations::RespondedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::ChallengeId)
                            .to(Challenges::Table, Challenges::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::TeamId)
                            .to(Teams::Table, Teams::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::InvitedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_invitations_to", Invitations::Email),
            ("idx_invitations_challenge", Invitations::ChallengeId),
            ("idx_invitations_team", Invitations::TeamId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Invitations::Table)
                        .col(column)
                        .col(Invitations::Status)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(COPY_TEAMS).await?;
        db.execute_unprepared(COPY_PANELS).await?;
        manager
            .drop_table(Table::drop().table(TeamInvitations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(JudgeInvitations::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut teams = Table::create();
        teams
            .table(TeamInvitations::Table)
            .col(big_pk_auto(TeamInvitations::Id))
            .col(big_integer(TeamInvitations::TeamId));
        invitation_columns(&mut teams)
            .foreign_key(
                ForeignKey::create()
                    .from(TeamInvitations::Table, TeamInvitations::TeamId)
                    .to(Teams::Table, Teams::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(TeamInvitations::Table, Invitations::InvitedBy)
                    .to(Users::Table, Users::Id)
                    .on_delete(ForeignKeyAction::SetNull),
            );
        manager.create_table(teams.to_owned()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invitations_email")
                    .table(TeamInvitations::Table)
                    .col(Invitations::Email)
                    .col(Invitations::Status)
                    .to_owned(),
            )
            .await?;
        let mut panels = Table::create();
        panels
            .table(JudgeInvitations::Table)
            .col(big_pk_auto(JudgeInvitations::Id))
            .col(big_integer(JudgeInvitations::ChallengeId));
        invitation_columns(&mut panels)
            .foreign_key(
                ForeignKey::create()
                    .from(JudgeInvitations::Table, JudgeInvitations::ChallengeId)
                    .to(Challenges::Table, Challenges::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(JudgeInvitations::Table, Invitations::InvitedBy)
                    .to(Users::Table, Users::Id)
                    .on_delete(ForeignKeyAction::SetNull),
            );
        manager.create_table(panels.to_owned()).await?;
        let db = manager.get_connection();
        db.execute_unprepared(COPY_BACK_TEAMS).await?;
        db.execute_unprepared(COPY_BACK_PANELS).await?;
        manager
            .drop_table(Table::drop().table(Invitations::Table).to_owned())
            .await
    }
}
