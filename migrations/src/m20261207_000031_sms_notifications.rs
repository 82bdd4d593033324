//! The notifications a person chose to have by text message as well (opted into, one kind at a
//! time: a text costs the city money, and a phone is not an inbox).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SmsChoices {
    Table,
    UserId,
    Kind,
    CreatedAt,
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
                    .table(SmsChoices::Table)
                    .col(big_integer(SmsChoices::UserId))
                    .col(string_len(SmsChoices::Kind, 40))
                    .col(timestamp_with_time_zone(SmsChoices::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(SmsChoices::UserId)
                            .col(SmsChoices::Kind),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SmsChoices::Table, SmsChoices::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SmsChoices::Table).to_owned())
            .await
    }
}
