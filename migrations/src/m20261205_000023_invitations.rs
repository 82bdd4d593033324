//! One table of invitations for both of their owners: a team inviting a member and a challenge's
//! panel inviting a judge. Each is sent to an address within a challenge; a team's also names the
//! team (a seat on the panel names none). Each keeps the key of the mailbox it was sent to (see
//! migration 21), so that the invitations of one person are found however the address was
//! written. The two tables they were kept in are copied over and dropped.

use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
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
    MailboxKey,
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
                    .col(string_len(Invitations::MailboxKey, 254).default(""))
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
            ("idx_invitations_to", Invitations::MailboxKey),
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
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, email FROM invitations",
            ))
            .await?;
        let sql = match backend {
            DatabaseBackend::Postgres => "UPDATE invitations SET mailbox_key = $1 WHERE id = $2",
            _ => "UPDATE invitations SET mailbox_key = ?1 WHERE id = ?2",
        };
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let email: String = row.try_get("", "email")?;
            let key = super::m20261205_000021_mailbox_keys::key(&email.to_lowercase());
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [key.into(), id.into()],
            ))
            .await?;
        }
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
