//! The one helper every state change calls to leave its trace.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use super::entity as audit_log;
use super::model::{AuditEntry, AuditPage};
use crate::auth::Viewer;
use crate::error::AppError;

/// One decision or change, as it goes into the log:
/// `Record::new("staff.grant", "organisation", Some(id)).by(&staff).details(…).save(&db)`.
pub struct Record {
    /// Who acted; `None` for the system itself (start-up, scheduled work, an anonymous visitor).
    actor: Option<Viewer>,
    action: String,
    target_kind: String,
    target_id: Option<i64>,
    reason: Option<String>,
    details: serde_json::Value,
    /// Citizens may see this entry on the public history of what it concerns.
    public: bool,
    ip: Option<String>,
    /// An account acting before it is a viewer of the request (signing in).
    account: Option<(i64, String)>,
    /// The role the actor acted in here, when it is not their highest (staff of one
    /// organisation acting as a team member on another's pilot).
    role: Option<&'static str>,
}

impl Record {
    pub fn new(action: &str, target_kind: &str, target_id: Option<i64>) -> Self {
        Record {
            actor: None,
            action: action.to_owned(),
            target_kind: target_kind.to_owned(),
            target_id,
            reason: None,
            details: serde_json::json!({}),
            public: false,
            ip: None,
            account: None,
            role: None,
        }
    }

    /// The actor acted in `role` here (`team`: as a member of a team, whatever office they hold
    /// elsewhere), which decides whether a public record names them.
    pub fn acting_as(mut self, role: &'static str) -> Self {
        self.role = Some(role);
        self
    }

    /// The person making the request (if signed in), and their address.
    pub fn by_requester(mut self, requester: &crate::auth::Requester) -> Self {
        self.actor = requester.viewer.clone();
        self.ip = Some(requester.ip.clone());
        self
    }

    /// Someone acting outside a request (demo data, an import).
    pub fn by(mut self, actor: &Viewer) -> Self {
        self.actor = Some(actor.clone());
        self
    }

    /// An account that acts before the request knows it (it is signing in).
    pub fn by_account(mut self, id: i64, name: &str) -> Self {
        self.account = Some((id, name.to_owned()));
        self
    }

    /// The network address the act came from (outside a server function).
    pub fn from_address(mut self, ip: &str) -> Self {
        self.ip = Some(ip.to_owned());
        self
    }

    pub fn reason(mut self, reason: &str) -> Self {
        self.reason = Some(reason.to_owned());
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    pub fn public(mut self) -> Self {
        self.public = true;
        self
    }

    pub async fn save(self, db: &impl ConnectionTrait) -> Result<(), AppError> {
        let (actor_id, actor_name, actor_role) = match (&self.actor, &self.account) {
            (Some(v), _) => (
                Some(v.id),
                v.display_name.clone(),
                self.role.unwrap_or(v.role_code()).to_owned(),
            ),
            (None, Some((id, name))) => (Some(*id), name.clone(), "account".to_owned()),
            // Someone not signed in, from an address: not the platform itself.
            (None, None) if self.ip.is_some() => (None, "—".to_owned(), "visitor".to_owned()),
            (None, None) => (None, "Vì Dân".to_owned(), "system".to_owned()),
        };
        audit_log::ActiveModel {
            actor_id: Set(actor_id),
            actor_name: Set(actor_name),
            actor_role: Set(actor_role),
            action: Set(self.action),
            target_kind: Set(self.target_kind),
            target_id: Set(self.target_id),
            reason: Set(self.reason),
            details: Set(self.details.to_string()),
            is_public: Set(self.public),
            ip: Set(self.ip),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(())
    }
}

pub const PAGE_SIZE: u64 = 50;

/// A page of the log, newest first, optionally for one action.
pub async fn page(
    db: &impl ConnectionTrait,
    action: Option<String>,
    page: u64,
) -> Result<AuditPage, AppError> {
    let mut query = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let Some(action) = action.filter(|a| !a.is_empty()) {
        query = query.filter(audit_log::Column::Action.eq(action));
    }
    let paginator = query.paginate(db, PAGE_SIZE);
    let pages = paginator.num_pages().await?.max(1);
    let page = page.min(pages - 1);
    let entries = paginator
        .fetch_page(page)
        .await?
        .into_iter()
        .map(|m| AuditEntry {
            id: m.id,
            actor_name: m.actor_name,
            actor_role: m.actor_role,
            action: m.action,
            target_kind: m.target_kind,
            target_id: m.target_id,
            reason: m.reason,
            details: m.details,
            is_public: m.is_public,
            created_at: m.created_at,
        })
        .collect();
    Ok(AuditPage {
        entries,
        page,
        pages,
    })
}
