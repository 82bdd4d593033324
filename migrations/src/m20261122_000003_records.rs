//! The audit log, the email outbox, in-app notifications and each user's email preferences.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    ActorName,
    ActorRole,
    Action,
    TargetKind,
    TargetId,
    Reason,
    Details,
    IsPublic,
    Ip,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    ToEmail,
    Subject,
    BodyText,
    Kind,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    SentAt,
    LastError,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    Params,
    Link,
    ReadAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EmailOptOuts {
    Table,
    UserId,
    Kind,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(big_integer_null(AuditLog::ActorId))
                    .col(string_len(AuditLog::ActorName, 80))
                    .col(string_len(AuditLog::ActorRole, 32))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len(AuditLog::TargetKind, 32))
                    .col(big_integer_null(AuditLog::TargetId))
                    .col(text_null(AuditLog::Reason))
                    .col(text(AuditLog::Details))
                    .col(boolean(AuditLog::IsPublic).default(false))
                    .col(string_len_null(AuditLog::Ip, 64))
                    .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditLog::Table, AuditLog::ActorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_target")
                    .table(AuditLog::Table)
                    .col(AuditLog::TargetKind)
                    .col(AuditLog::TargetId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(big_pk_auto(Outbox::Id))
                    .col(string_len(Outbox::ToEmail, 254))
                    .col(string_len(Outbox::Subject, 200))
                    .col(text(Outbox::BodyText))
                    .col(string_len(Outbox::Kind, 32))
                    .col(integer(Outbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::LockedUntil))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .col(text_null(Outbox::LastError))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_pending")
                    .table(Outbox::Table)
                    .col(Outbox::SentAt)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(big_pk_auto(Notifications::Id))
                    .col(big_integer(Notifications::UserId))
                    .col(string_len(Notifications::Kind, 32))
                    .col(text(Notifications::Params))
                    .col(string_len(Notifications::Link, 255))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Notifications::Table, Notifications::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notifications_user")
                    .table(Notifications::Table)
                    .col(Notifications::UserId)
                    .col(Notifications::ReadAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailOptOuts::Table)
                    .col(big_integer(EmailOptOuts::UserId))
                    .col(string_len(EmailOptOuts::Kind, 32))
                    .primary_key(
                        Index::create()
                            .col(EmailOptOuts::UserId)
                            .col(EmailOptOuts::Kind),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmailOptOuts::Table, EmailOptOuts::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EmailOptOuts::Table.into_iden(),
            Notifications::Table.into_iden(),
            Outbox::Table.into_iden(),
            AuditLog::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
