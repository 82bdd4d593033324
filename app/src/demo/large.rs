//! The benchmark's data set (`vidan bench-seed`): the demo city grown to a province's scale. Its
//! challenges are copies of the demo's (one being judged with its vote under way, one with its
//! results out), each with a hundred entries from as many teams; 200,000 verified citizens; a
//! city-wide people's choice of 600,000 votes and twenty closed votes of 20,000; five judges who
//! scored every entry of every challenge; pilots with their milestones and indicators. Beside it
//! stand the three rooms the benchmark fills: a vote about to be rushed, whose voters already hold
//! sessions; another that the same voters are about to visit (each opens its entries, votes and
//! reads the confirmation); and a challenge whose judges, signed in, are about to save drafts.
//!
//! Rows go in by hundreds per statement with ids given up front, so the set builds in about a
//! minute on SQLite; on PostgreSQL the id sequences are moved past them afterwards.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Statement,
};
use serde::{Deserialize, Serialize};

use super::DEMO_PASSWORD;
use super::teams::challenge_by_slug;
use crate::auth::entity::{session, user};
use crate::auth::password;
use crate::challenge::entity::challenge;
use crate::entry::entity::{entry, version as entry_version};
use crate::error::AppError;
use crate::judging::entity::{assignment, criterion, judge, panel, score};
use crate::judging::rules::{Marks, weighted_total};
use crate::pilot::entity::{kpi, milestone, pilot};
use crate::team::entity::{member as team_member, team};
use crate::token::sha256_hex;
use crate::vote::entity::{settings, vote};

/// The demo challenge being judged while its vote runs: the model of the open challenges.
const OPEN_TEMPLATE: &str = "tiep-nhan-phan-anh-qua-dien-thoai-cho-nguoi-khong-dung-mang";
/// The demo challenge whose results are out: the model of the finished ones.
const DONE_TEMPLATE: &str = "dat-lich-hen-truoc-khi-den-lam-thu-tuc";

/// The session token of the rush's `i`-th voter (the database keeps its hash, as for any session).
pub fn voter_token(i: usize) -> String {
    format!("bench-voter-{i}")
}

/// The session token of the `j`-th judge saving drafts.
pub fn judge_token(j: usize) -> String {
    format!("bench-judge-{j}")
}

/// How big the set is.
#[derive(Clone, Debug)]
pub struct Scale {
    /// Scored challenges (half open, half finished), besides the rush's and the drafting room's.
    pub challenges: usize,
    pub entries_per_challenge: usize,
    pub citizens: usize,
    /// Closed votes of the finished challenges, and the votes in each.
    pub closed_votes: usize,
    pub votes_per_closed_vote: usize,
    /// Judges scoring each entry of each scored challenge.
    pub judges_per_challenge: usize,
    /// Citizens holding a session for the rush.
    pub rush_voters: usize,
    pub drafting_judges: usize,
    pub entries_per_drafting_judge: usize,
    pub pilots: usize,
}

impl Scale {
    /// The benchmark's set: 200 challenges, 20,000 entries, 200,000 citizens, 1,000,000 votes,
    /// 100,000 scores.
    pub fn full() -> Scale {
        Scale {
            challenges: 200,
            entries_per_challenge: 100,
            citizens: 200_000,
            closed_votes: 20,
            votes_per_closed_vote: 20_000,
            judges_per_challenge: 5,
            rush_voters: 60_000,
            drafting_judges: 200,
            entries_per_drafting_judge: 10,
            pilots: 100,
        }
    }

    /// A small set of the same shape, for tests.
    pub fn tiny() -> Scale {
        Scale {
            challenges: 4,
            entries_per_challenge: 6,
            citizens: 300,
            closed_votes: 2,
            votes_per_closed_vote: 50,
            judges_per_challenge: 2,
            rush_voters: 40,
            drafting_judges: 3,
            entries_per_drafting_judge: 2,
            pilots: 3,
        }
    }
}

/// What the benchmark needs to know of the set it drives.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Fixture {
    pub citizens: usize,
    pub challenges: usize,
    pub entries: usize,
    pub votes: usize,
    pub scores: usize,
    pub pilots: usize,
    /// The city-wide people's choice (the largest tally).
    pub big_vote: String,
    pub rush: Rush,
    /// A vote the same voters visit whole: the entries page, the vote, the page confirming it.
    pub visit: Rush,
    pub drafting: Drafting,
    /// A finished challenge (its entries are public) and a pilot, for the page scenarios.
    pub finished: String,
    pub pilot_id: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Rush {
    pub slug: String,
    pub entry_ids: Vec<i64>,
    /// Voters `0..voters` hold the sessions of [`voter_token`].
    pub voters: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Drafting {
    pub challenge_id: i64,
    pub criteria: Vec<i64>,
    pub scale_min: i32,
    pub scale_max: i32,
    /// For judge `j` (token [`judge_token`]), the entries they score.
    pub judges: Vec<Vec<i64>>,
}

/// A small deterministic generator, so every run builds the same set.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Low numbers more often than high ones: a few entries draw most of the votes.
    fn skewed(&mut self, n: usize) -> usize {
        self.below(n) * self.below(n) / n
    }
}

const ROWS_PER_STATEMENT: usize = 400;

/// Inserts rows, many per statement.
async fn bulk<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), AppError>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The first free id of a table.
async fn next_id(db: &impl ConnectionTrait, table: &str) -> Result<i64, AppError> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM {table}"),
        ))
        .await?
        .ok_or_else(|| crate::error::internal("no row"))?;
    Ok(row.try_get("", "next")?)
}

/// On PostgreSQL, moves each id sequence past the ids given here.
async fn resync_sequences(db: &impl ConnectionTrait) -> Result<(), AppError> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for table in [
        "users",
        "challenges",
        "teams",
        "entries",
        "entry_versions",
        "rubric_criteria",
        "votes",
        "pilots",
        "milestones",
        "pilot_kpis",
    ] {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        ))
        .await?;
    }
    Ok(())
}

const FAMILY: [&str; 10] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
];
const MIDDLE: [&str; 6] = ["Văn", "Thị", "Minh", "Ngọc", "Quốc", "Thanh"];
const GIVEN: [&str; 12] = [
    "An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phúc", "Tâm",
];

fn citizen_name(i: usize) -> String {
    format!(
        "{} {} {}",
        FAMILY[i % FAMILY.len()],
        MIDDLE[(i / 10) % MIDDLE.len()],
        GIVEN[(i / 60) % GIVEN.len()]
    )
}

/// A challenge copied from a template, its teams and submitted entries.
struct Copy {
    challenge: challenge::Model,
    entries: Vec<entry::Model>,
}

struct Templates {
    open: challenge::Model,
    done: challenge::Model,
    open_entry: entry::Model,
    done_entry: entry::Model,
    open_team: team::Model,
    version: entry_version::Model,
    open_panel: panel::Model,
    done_panel: panel::Model,
    criteria: Vec<criterion::Model>,
}

async fn templates(db: &impl ConnectionTrait) -> Result<Templates, AppError> {
    let open = challenge_by_slug(db, OPEN_TEMPLATE).await?;
    let done = challenge_by_slug(db, DONE_TEMPLATE).await?;
    let first_entry = |c: i64| {
        entry::Entity::find()
            .filter(entry::Column::ChallengeId.eq(c))
            .filter(entry::Column::Status.eq("submitted"))
            .order_by_asc(entry::Column::Id)
            .one(db)
    };
    let open_entry = first_entry(open.id).await?.ok_or(AppError::NotFound)?;
    let done_entry = first_entry(done.id).await?.ok_or(AppError::NotFound)?;
    let open_team = team::Entity::find_by_id(open_entry.team_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let version = entry_version::Entity::find()
        .filter(entry_version::Column::EntryId.eq(open_entry.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let panel_of = |c: i64| panel::Entity::find_by_id(c).one(db);
    let open_panel = panel_of(open.id).await?.ok_or(AppError::NotFound)?;
    let done_panel = panel_of(done.id).await?.ok_or(AppError::NotFound)?;
    let criteria = criterion::Entity::find()
        .filter(criterion::Column::ChallengeId.eq(open.id))
        .order_by_asc(criterion::Column::Position)
        .all(db)
        .await?;
    Ok(Templates {
        open,
        done,
        open_entry,
        done_entry,
        open_team,
        version,
        open_panel,
        done_panel,
        criteria,
    })
}

/// Builds the set on a database that holds the demo data and nothing more.
pub async fn seed(db: &DatabaseConnection, scale: &Scale) -> Result<Fixture, AppError> {
    let t = templates(db).await?;
    let txn = crate::group_commit::begin_writing(db).await?;
    let now = Utc::now();
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);

    // Citizens: verified accounts sharing one password hash (hashing 200,000 would take hours).
    let hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let first_citizen = next_id(&txn, "users").await?;
    let citizen = |i: usize| first_citizen + i as i64;
    bulk(
        &txn,
        (0..scale.citizens)
            .map(|i| {
                user::Model {
                    id: citizen(i),
                    email: Some(format!("citizen{i}@bench.vidan.local")),
                    display_name: citizen_name(i),
                    password_hash: hash.clone(),
                    email_verified_at: Some(now - Duration::days(30)),
                    is_admin: false,
                    locale: if i % 5 == 0 { "en" } else { "vi" }.into(),
                    created_at: now - Duration::days(30),
                    mailbox_key: Some(format!("citizen{i}@bench.vidan.local")),
                    phone: None,
                    phone_verified_at: None,
                }
                .into_active_model()
                .reset_all()
            })
            .collect(),
    )
    .await?;

    // Challenges: the scored ones alternate open and finished; then the rush, the drafting room
    // and the visited vote, copies of the open template.
    let total = scale.challenges + 3;
    let mut next_challenge = next_id(&txn, "challenges").await?;
    let mut next_team = next_id(&txn, "teams").await?;
    let mut next_entry = next_id(&txn, "entries").await?;
    let mut next_version = next_id(&txn, "entry_versions").await?;
    let mut copies = Vec::with_capacity(total);
    let mut owner = 0usize;
    for n in 0..total {
        let finished = n < scale.challenges && n % 2 == 1;
        let template = if finished { &t.done } else { &t.open };
        let c = challenge::Model {
            id: next_challenge,
            slug: format!("{}-{}", template.slug, n + 1),
            title: format!("{} (đợt {})", template.title, n + 1),
            search_key: format!("{} {}", template.search_key, n + 1),
            ..template.clone()
        };
        next_challenge += 1;
        let mut teams = Vec::new();
        let mut members = Vec::new();
        let mut entries = Vec::new();
        let mut versions = Vec::new();
        for k in 0..scale.entries_per_challenge {
            let owner_id = citizen(owner % scale.citizens);
            owner += 1;
            teams.push(team::Model {
                id: next_team,
                challenge_id: c.id,
                name: format!("Nhóm {} – {}", k + 1, citizen_name(owner)),
                search_key: Some(crate::team::service::search_key(
                    &format!("Nhóm {} – {}", k + 1, citizen_name(owner)),
                    t.open_team.organisation_name.as_deref(),
                )),
                join_code: format!("B{next_team:07}"),
                owner_id,
                ..t.open_team.clone()
            });
            members.push(team_member::Model {
                team_id: next_team,
                user_id: owner_id,
                challenge_id: c.id,
                joined_at: now - Duration::days(20),
            });
            let template_entry = if finished {
                &t.done_entry
            } else {
                &t.open_entry
            };
            let e = entry::Model {
                id: next_entry,
                team_id: next_team,
                challenge_id: c.id,
                title: format!("{} – phương án {}", template_entry.title, k + 1),
                search_key: Some(crate::i18n::format::fold_for_search(&format!(
                    "{} – phương án {}",
                    template_entry.title,
                    k + 1
                ))),
                updated_by: Some(owner_id),
                ..template_entry.clone()
            };
            versions.push(entry_version::Model {
                id: next_version,
                entry_id: e.id,
                submitted_by: Some(owner_id),
                ..t.version.clone()
            });
            entries.push(e);
            next_team += 1;
            next_entry += 1;
            next_version += 1;
        }
        bulk(&txn, vec![c.clone().into_active_model().reset_all()]).await?;
        bulk(&txn, active(teams)).await?;
        bulk(&txn, active(members)).await?;
        bulk(&txn, active(entries.clone())).await?;
        bulk(&txn, active(versions)).await?;
        copies.push(Copy {
            challenge: c,
            entries,
        });
    }
    let (scored, rooms) = copies.split_at(scale.challenges);
    let (rush, drafting, visit) = (&rooms[0], &rooms[1], &rooms[2]);

    // Judging: a panel and the template's rubric for every challenge; five judges score every
    // entry of each scored one.
    let mut next_criterion = next_id(&txn, "rubric_criteria").await?;
    let judge_pool = 1000.min(scale.citizens / 4);
    let mut scores = 0usize;
    let mut drafting_criteria = Vec::new();
    for (n, copy) in copies.iter().enumerate() {
        let c = &copy.challenge;
        let finished = n < scale.challenges && n % 2 == 1;
        let template_panel = if finished {
            &t.done_panel
        } else {
            &t.open_panel
        };
        let p = panel::Model {
            challenge_id: c.id,
            ..template_panel.clone()
        };
        bulk(&txn, vec![p.clone().into_active_model().reset_all()]).await?;
        let criteria: Vec<criterion::Model> = t
            .criteria
            .iter()
            .map(|tc| {
                next_criterion += 1;
                criterion::Model {
                    id: next_criterion - 1,
                    challenge_id: c.id,
                    ..tc.clone()
                }
            })
            .collect();
        bulk(&txn, active(criteria.clone())).await?;
        if n >= scale.challenges {
            if c.id == drafting.challenge.id {
                drafting_criteria = criteria.iter().map(|c| c.id).collect();
            }
            continue;
        }
        let rubric = crate::judging::panel::criteria_of(&txn, c.id).await?;
        let judges: Vec<i64> = (0..scale.judges_per_challenge)
            .map(|j| {
                citizen(scale.citizens - 1 - (n * scale.judges_per_challenge + j) % judge_pool)
            })
            .collect();
        bulk(
            &txn,
            active(
                judges
                    .iter()
                    .map(|&user_id| judge::Model {
                        challenge_id: c.id,
                        user_id,
                        declared_at: Some(now - Duration::days(3)),
                        invited_by: None,
                        joined_at: now - Duration::days(5),
                    })
                    .collect(),
            ),
        )
        .await?;
        let mut seats = Vec::new();
        let mut sheets = Vec::new();
        for e in &copy.entries {
            for &user_id in &judges {
                seats.push(assignment::Model {
                    entry_id: e.id,
                    user_id,
                    challenge_id: c.id,
                    assigned_by: None,
                    created_at: now - Duration::days(3),
                    recused_at: None,
                    recusal_reason: None,
                });
                let marks = Marks {
                    values: rubric
                        .iter()
                        .map(|r| {
                            let span = (p.scale_max - p.scale_min + 1) as usize;
                            (r.id, p.scale_min + dice.below(span) as i32)
                        })
                        .collect(),
                    ..Default::default()
                };
                sheets.push(score::Model {
                    entry_id: e.id,
                    user_id,
                    challenge_id: c.id,
                    marks: serde_json::to_string(&marks).map_err(crate::error::internal)?,
                    status: "submitted".into(),
                    total: weighted_total(&rubric, &marks),
                    updated_at: now - Duration::days(1),
                    submitted_at: Some(now - Duration::days(1)),
                });
            }
        }
        scores += sheets.len();
        bulk(&txn, active(seats)).await?;
        bulk(&txn, active(sheets)).await?;
    }

    // The drafting room: judges who declared, each with their share of the entries.
    let drafting_judge = |j: usize| citizen(scale.citizens - judge_pool - 1 - j);
    let mut drafting_judges = Vec::new();
    let mut seats = Vec::new();
    for j in 0..scale.drafting_judges {
        let mine: Vec<i64> = (0..scale.entries_per_drafting_judge)
            .map(|k| {
                drafting.entries
                    [(j * scale.entries_per_drafting_judge + k) % drafting.entries.len()]
                .id
            })
            .collect::<std::collections::BTreeSet<i64>>()
            .into_iter()
            .collect();
        for &entry_id in &mine {
            seats.push(assignment::Model {
                entry_id,
                user_id: drafting_judge(j),
                challenge_id: drafting.challenge.id,
                assigned_by: None,
                created_at: now - Duration::days(1),
                recused_at: None,
                recusal_reason: None,
            });
        }
        drafting_judges.push(mine);
    }
    bulk(
        &txn,
        active(
            (0..scale.drafting_judges)
                .map(|j| judge::Model {
                    challenge_id: drafting.challenge.id,
                    user_id: drafting_judge(j),
                    declared_at: Some(now - Duration::days(1)),
                    invited_by: None,
                    joined_at: now - Duration::days(2),
                })
                .collect(),
        ),
    )
    .await?;
    bulk(&txn, active(seats)).await?;
    // Judges act only with two-step sign-in on; theirs are on (their sessions are made below).
    for j in 0..scale.drafting_judges {
        crate::auth::two_factor::enable_for_demo(&txn, drafting_judge(j), &format!("judge{j}"))
            .await?;
    }

    // Votes: the city-wide people's choice (three votes each), closed votes of finished
    // challenges, and the settings of the rush and the visited vote (one vote each, totals shown
    // live) with no vote yet.
    let big = &scored[0];
    let mut next_vote = next_id(&txn, "votes").await?;
    let mut votes = 0usize;
    let vote_settings = |c: i64, allowance: i32, live: bool| settings::Model {
        challenge_id: c,
        allowance,
        live_totals: live,
        requires_phone: false,
        voter_key: crate::token::random_token(32),
        updated_at: now,
    };
    bulk(
        &txn,
        active(vec![
            vote_settings(big.challenge.id, 3, true),
            vote_settings(rush.challenge.id, 1, true),
            vote_settings(visit.challenge.id, 1, true),
        ]),
    )
    .await?;
    let opened = big
        .challenge
        .vote_opens_at
        .unwrap_or(now - Duration::days(1));
    let n = big.entries.len();
    let mut batch = Vec::new();
    for i in 0..scale.citizens {
        let first = dice.skewed(n);
        let step = 1 + i % (n / 3).max(1);
        for slot in 0..3usize.min(n) {
            batch.push(vote::Model {
                id: next_vote,
                challenge_id: big.challenge.id,
                entry_id: big.entries[(first + slot * step) % n].id,
                user_id: citizen(i),
                slot: slot as i32 + 1,
                network: format!("113.{}.{}.0/24", (i / 250) % 250, i % 250),
                created_at: opened + Duration::seconds((i % 86_400) as i64),
                voided_at: None,
                void_reason: None,
                voided_by: None,
            });
            next_vote += 1;
        }
        if batch.len() >= 20_000 {
            votes += batch.len();
            bulk(&txn, active(std::mem::take(&mut batch))).await?;
        }
    }
    let finished: Vec<&Copy> = scored.iter().skip(1).step_by(2).collect();
    for (k, copy) in finished.iter().take(scale.closed_votes).enumerate() {
        let c = &copy.challenge;
        bulk(&txn, active(vec![vote_settings(c.id, 1, false)])).await?;
        let opened = c.vote_opens_at.unwrap_or(now - Duration::days(40));
        for v in 0..scale.votes_per_closed_vote.min(scale.citizens) {
            let i = (k * 7919 + v) % scale.citizens;
            batch.push(vote::Model {
                id: next_vote,
                challenge_id: c.id,
                entry_id: copy.entries[dice.skewed(copy.entries.len())].id,
                user_id: citizen(i),
                slot: 1,
                network: format!("14.{}.{}.0/24", (i / 250) % 250, i % 250),
                created_at: opened + Duration::seconds((v % 3_600) as i64),
                voided_at: None,
                void_reason: None,
                voided_by: None,
            });
            next_vote += 1;
        }
        votes += batch.len();
        bulk(&txn, active(std::mem::take(&mut batch))).await?;
    }
    votes += batch.len();
    bulk(&txn, active(batch)).await?;

    // Sessions, made beforehand: the rush's voters and the drafting judges.
    let session_of = |token: String, user_id: i64| session::Model {
        id: sha256_hex(&token),
        user_id,
        created_at: now,
        expires_at: now + Duration::days(crate::auth::session::SESSION_DAYS),
        last_seen_at: now,
        ip: Some("127.0.0.1".into()),
        user_agent: Some("vidan-bench".into()),
    };
    bulk(
        &txn,
        active(
            (0..scale.rush_voters.min(scale.citizens))
                .map(|i| session_of(voter_token(i), citizen(i)))
                .chain(
                    (0..scale.drafting_judges)
                        .map(|j| session_of(judge_token(j), drafting_judge(j))),
                )
                .collect(),
        ),
    )
    .await?;

    // Pilots: copies of the demo's, each on the winner of a finished challenge, with their
    // milestones and indicators.
    let pilot_templates = pilot::Entity::find()
        .order_by_asc(pilot::Column::Id)
        .all(&txn)
        .await?;
    let mut next_pilot = next_id(&txn, "pilots").await?;
    let mut next_milestone = next_id(&txn, "milestones").await?;
    let mut next_kpi = next_id(&txn, "pilot_kpis").await?;
    let mut pilot_ids = Vec::new();
    for k in 0..scale.pilots.min(finished.len() * 10) {
        let Some(template) = pilot_templates.get(k % pilot_templates.len().max(1)) else {
            break;
        };
        let copy = finished[k % finished.len()];
        let winner = &copy.entries[(k / finished.len()) % copy.entries.len()];
        let p = pilot::Model {
            id: next_pilot,
            challenge_id: copy.challenge.id,
            entry_id: winner.id,
            team_id: winner.team_id,
            organisation_id: copy.challenge.organisation_id,
            title: format!("{} ({})", template.title, k + 1),
            ..template.clone()
        };
        next_pilot += 1;
        pilot_ids.push(p.id);
        let milestones = milestone::Entity::find()
            .filter(milestone::Column::PilotId.eq(template.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| {
                next_milestone += 1;
                milestone::Model {
                    id: next_milestone - 1,
                    pilot_id: p.id,
                    evidence_upload_id: None,
                    ..m
                }
            })
            .collect();
        let kpis = kpi::Entity::find()
            .filter(kpi::Column::PilotId.eq(template.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| {
                next_kpi += 1;
                kpi::Model {
                    id: next_kpi - 1,
                    pilot_id: p.id,
                    ..m
                }
            })
            .collect();
        bulk(&txn, vec![p.into_active_model().reset_all()]).await?;
        bulk(&txn, active(milestones)).await?;
        bulk(&txn, active(kpis)).await?;
    }

    resync_sequences(&txn).await?;
    txn.commit().await?;
    Ok(Fixture {
        citizens: scale.citizens,
        challenges: copies.len(),
        entries: copies.iter().map(|c| c.entries.len()).sum(),
        votes,
        scores,
        pilots: pilot_ids.len(),
        big_vote: big.challenge.slug.clone(),
        rush: Rush {
            slug: rush.challenge.slug.clone(),
            entry_ids: rush.entries.iter().map(|e| e.id).collect(),
            voters: scale.rush_voters.min(scale.citizens),
        },
        visit: Rush {
            slug: visit.challenge.slug.clone(),
            entry_ids: visit.entries.iter().map(|e| e.id).collect(),
            voters: scale.rush_voters.min(scale.citizens),
        },
        drafting: Drafting {
            challenge_id: drafting.challenge.id,
            criteria: drafting_criteria,
            scale_min: t.open_panel.scale_min,
            scale_max: t.open_panel.scale_max,
            judges: drafting_judges,
        },
        finished: finished
            .first()
            .map(|c| c.challenge.slug.clone())
            .unwrap_or_default(),
        pilot_id: pilot_ids.first().copied().unwrap_or_default(),
    })
}

/// Models as active models with every column set, ready to insert.
fn active<M, A>(models: Vec<M>) -> Vec<A>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait,
{
    models
        .into_iter()
        .map(|m| m.into_active_model().reset_all())
        .collect()
}

/// How long the heavy computations take on the set: the largest tally, every tally, the
/// normalised ranking of every scored challenge, and the dashboard's figures. Each is run
/// `runs` times; the answer has every run's milliseconds.
pub async fn computations(
    db: &impl ConnectionTrait,
    fixture: &Fixture,
    runs: usize,
) -> Result<Vec<(String, Vec<f64>)>, AppError> {
    use std::time::Instant;
    let big = challenge_by_slug(db, &fixture.big_vote).await?;
    let voted: Vec<challenge::Model> = challenge::Entity::find()
        .filter(
            challenge::Column::Id.is_in(
                settings::Entity::find()
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|s| s.challenge_id),
            ),
        )
        .all(db)
        .await?;
    let panels = panel::Entity::find().all(db).await?;
    let judged: Vec<(challenge::Model, panel::Model)> = challenge::Entity::find()
        .filter(challenge::Column::Id.is_in(panels.iter().map(|p| p.challenge_id)))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| {
            let p = panels.iter().find(|p| p.challenge_id == c.id)?.clone();
            Some((c, p))
        })
        .collect();
    let ms = |start: Instant| start.elapsed().as_secs_f64() * 1000.0;
    let mut out: Vec<(String, Vec<f64>)> = vec![
        (
            format!("tally of the largest vote ({})", fixture.big_vote),
            Vec::new(),
        ),
        (
            format!("tally of every vote ({} challenges)", voted.len()),
            Vec::new(),
        ),
        (
            format!(
                "normalised ranking of every judged challenge ({})",
                judged.len()
            ),
            Vec::new(),
        ),
        ("dashboard figures".into(), Vec::new()),
    ];
    for _ in 0..runs {
        let start = Instant::now();
        crate::vote::service::current_totals(db, &big).await?;
        out[0].1.push(ms(start));
        let start = Instant::now();
        for c in &voted {
            crate::vote::service::current_totals(db, c).await?;
        }
        out[1].1.push(ms(start));
        let start = Instant::now();
        for (c, p) in &judged {
            crate::judging::results::ranking(db, c, p).await?;
        }
        out[2].1.push(ms(start));
        let start = Instant::now();
        crate::query::pilot::dashboard(db, Utc::now()).await?;
        out[3].1.push(ms(start));
    }
    Ok(out)
}
