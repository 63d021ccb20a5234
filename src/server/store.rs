//! What Orgdeck keeps itself (through sqlx, the migrations in `migrations/`):
//! the Admin Portal flows it started, the WorkOS events it received, the lab's
//! record, and the session refreshes in progress. SQLite for one machine;
//! PostgreSQL (`DATABASE_URL=postgres://…`) when several instances share it,
//! and then this is also where they tell each other that something changed
//! (LISTEN/NOTIFY). One set of SQL for both, through sqlx's `Any` driver.

use std::future::Future;
use std::str::FromStr;

use futures::stream::{BoxStream, StreamExt};
use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool, Executor, Row};

use crate::error::AppError;
use crate::model::lab::LabAction;

/// One hosted Admin Portal flow.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Flow {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub intent: String,
    pub slug: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub outcome: Option<String>,
    /// The capability's state when the flow started (JSON).
    pub snapshot: String,
}

/// A WorkOS event as stored: once per id, whichever way it came first.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEvent {
    pub id: String,
    pub event: String,
    pub organization_id: Option<String>,
    pub user_id: Option<String>,
    pub created_at: String,
    pub received_at: String,
    /// `webhook` or `events_api`.
    pub source: String,
    /// The whole event, as WorkOS sent it (JSON).
    pub payload: String,
}

/// A line of the lab's record.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LabRecord {
    pub at: String,
    pub who: String,
    pub what: String,
    pub detail: String,
}

/// Which stored events to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub organization_id: Option<String>,
    /// Only the events about this user.
    pub user_id: Option<String>,
    pub event: Option<String>,
    /// Only events created at or after this time.
    pub since: Option<String>,
    /// Only events older than this `(created_at, id)` (the page before).
    pub before: Option<(String, String)>,
    pub limit: i64,
}

/// A database failure, as users see it: the one conversion, so every store
/// call in a server function ends in `?`. The database's own words (table
/// names, SQL, addresses) go to the log under an id; the user gets the id.
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> AppError {
        let id = ulid::Ulid::new().to_string().to_lowercase();
        tracing::error!(error_id = %id, "database: {e}");
        AppError::Internal { message: format!("Orgdeck's database did not answer as it should (error id {id}: the server log has the details).") }
    }
}

impl From<LabRecord> for LabAction {
    fn from(r: LabRecord) -> LabAction {
        LabAction { at: r.at, who: r.who, what: r.what, detail: r.detail }
    }
}

/// `at` as Orgdeck records times (ISO 8601, milliseconds, UTC): one writer,
/// since stored times are compared as text.
pub fn iso(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Now, as flows record times.
pub fn now_iso() -> String {
    iso(chrono::Utc::now())
}

/// Now, in Unix seconds (tokens' `exp`, budget windows).
pub fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The channel instances on one PostgreSQL database tell each other on.
const CHANNEL: &str = "orgdeck";
/// How long a refreshed session is handed to requests that still carry the old one.
const REFRESH_SHARED_FOR: chrono::Duration = chrono::Duration::seconds(30);

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// PostgreSQL's address when this database is shared by instances.
    shared: Option<std::sync::Arc<str>>,
    /// Flows started, ended or dropped by this instance so far: a dashboard
    /// kept by `page_cache` lists the user's flows, and is stale once this moves.
    flow_changes: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// Whether `url` names a PostgreSQL database (the one kind several instances can share).
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

// Each call a span (`#[instrument]`), named for what it does: a child of the
// request's, so a trace shows the database's share of a slow page. Debug
// spans: made only when traces are exported (`Traces::filter`).
impl Store {
    /// Opens and migrates: PostgreSQL for a `postgres://` address, otherwise
    /// SQLite (creating the file and its folder when needed).
    pub async fn connect(url: &str) -> Result<Store, String> {
        sqlx::any::install_default_drivers();
        let postgres = is_postgres(url);
        let (url, connections) = if postgres {
            (url.to_string(), 10)
        } else {
            let options = SqliteConnectOptions::from_str(url).map_err(|e| format!("DATABASE_URL '{url}' cannot be used: {e}"))?;
            let path = options.get_filename().to_path_buf();
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            // Each connection to an in-memory database is a database of its own.
            let memory = url.contains(":memory:");
            let create = if memory || url.contains("mode=") { String::new() } else { format!("{}mode=rwc", if url.contains('?') { '&' } else { '?' }) };
            (format!("{url}{create}"), if memory { 1 } else { 4 })
        };
        let pool = AnyPoolOptions::new()
            .max_connections(connections)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL: readers do not wait for the writer; a busy writer is waited
                    // for, not failed (a burst of webhooks all write at once).
                    if conn.backend_name() == "SQLite" {
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(|e| format!("cannot open the database {}: {e}", redacted(&url)))?;
        sqlx::migrate!("./migrations").run(&pool).await.map_err(|e| format!("cannot migrate the database {}: {e}", redacted(&url)))?;
        Ok(Store { pool, shared: postgres.then(|| url.into()), flow_changes: Default::default() })
    }

    /// Waits for the queries under way, then closes every connection (at
    /// shutdown: PostgreSQL sees the sessions end, SQLite checkpoints its WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether other instances may share this database (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Tells every instance on this database (itself included); nothing on SQLite.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn notify(&self, message: &str) -> Result<(), sqlx::Error> {
        if self.shared.is_some() {
            // pg_notify returns `void`, which the Any driver cannot carry: select around it.
            sqlx::query("SELECT 1 AS sent FROM (SELECT pg_notify($1, $2)) AS n").bind(CHANNEL).bind(message).fetch_one(&self.pool).await?;
        }
        Ok(())
    }

    /// What [`Store::notify`] sends, as it arrives; `None` on SQLite. The
    /// connection is made again when it drops (what was sent meanwhile is not heard).
    pub async fn listen(&self) -> Result<Option<BoxStream<'static, String>>, sqlx::Error> {
        let Some(url) = &self.shared else { return Ok(None) };
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        let stream = futures::stream::unfold(listener, |mut l| async move {
            loop {
                match l.recv().await {
                    Ok(n) => return Some((n.payload().to_string(), l)),
                    Err(e) => {
                        tracing::warn!("lost the database's notifications for a moment: {e}");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(Some(stream.boxed()))
    }

    /// Runs `refresh` once for the session `key` across every instance on this
    /// database, and hands what it made to whoever asks with the same key
    /// within 30 seconds (a refresh token is good once). On PostgreSQL an
    /// advisory lock on the key holds the others until the first has written.
    pub async fn refresh_once<F, Fut, E>(&self, key: &str, refresh: F) -> Result<Result<String, E>, sqlx::Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String, E>>,
    {
        if self.shared.is_some() {
            let mut tx = self.pool.begin().await?;
            sqlx::query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS l").bind(key).fetch_one(&mut *tx).await?;
            let made = refresh_in(&mut tx, key, refresh).await?;
            tx.commit().await?;
            Ok(made)
        } else {
            // One process: its own lock per session has already queued the others.
            let mut conn = self.pool.acquire().await?;
            refresh_in(&mut conn, key, refresh).await
        }
    }

    /// Drops the refreshes no request can still need.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn forget_old_refreshes(&self) -> Result<(), sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        forget_old_refreshes(&mut conn).await
    }

    /// Records that `session_id` ended; a copy of its cookie is refused until
    /// `until` (Unix seconds).
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn revoke_session(&self, session_id: &str, until: i64) -> Result<(), sqlx::Error> {
        let until = iso(chrono::DateTime::from_timestamp(until, 0).unwrap_or_default());
        sqlx::query(
            "INSERT INTO revoked_sessions (session_id, until) VALUES ($1, $2) \
             ON CONFLICT (session_id) DO UPDATE SET until = excluded.until",
        )
        .bind(session_id)
        .bind(until)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The sessions ended and not yet past their `until` (Unix seconds), and drops the others.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn revoked_sessions(&self) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let now = now_iso();
        sqlx::query("DELETE FROM revoked_sessions WHERE until < $1").bind(&now).execute(&self.pool).await?;
        let rows = sqlx::query("SELECT session_id, until FROM revoked_sessions").fetch_all(&self.pool).await?;
        let until = |text: String| chrono::DateTime::parse_from_rfc3339(&text).map(|t| t.timestamp()).ok();
        Ok(rows.iter().filter_map(|r| Some((r.get("session_id"), until(r.get("until"))?))).collect())
    }

    /// Adds `calls` to the WorkOS calls of the window starting at `window_start`
    /// (Unix seconds): how many that window has used, these included.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn spend_budget(&self, window_start: i64, calls: i64) -> Result<i64, sqlx::Error> {
        let row = sqlx::query(
            "INSERT INTO workos_budget (window_start, used) VALUES ($1, $2) \
             ON CONFLICT (window_start) DO UPDATE SET used = workos_budget.used + excluded.used RETURNING used",
        )
        .bind(window_start)
        .bind(calls)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.get("used"))
    }

    /// Drops the budget windows that started before `before`.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn forget_old_budget(&self, before: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM workos_budget WHERE window_start < $1").bind(before).execute(&self.pool).await?;
        Ok(())
    }

    /// Drops the events received, the flows started and the lab actions done
    /// before `before` (as `now_iso` writes times): how many rows went.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn forget_older_than(&self, before: &str) -> Result<u64, sqlx::Error> {
        let mut gone = 0;
        for (sql, flows) in [
            ("DELETE FROM events WHERE received_at < $1", false),
            ("DELETE FROM flows WHERE started_at < $1", true),
            ("DELETE FROM lab_actions WHERE at < $1", false),
        ] {
            let went = sqlx::query(sql).bind(before).execute(&self.pool).await?.rows_affected();
            // Run every minute: only flows that went make kept pages stale.
            if flows && went > 0 {
                self.flows_changed();
            }
            gone += went;
        }
        Ok(gone)
    }

    /// See [`Store::flow_changes`](Store#structfield.flow_changes).
    pub fn flow_changes(&self) -> u64 {
        self.flow_changes.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn flows_changed(&self) {
        self.flow_changes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn start_flow(&self, flow: &Flow) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO flows (id, organization_id, user_id, intent, slug, started_at, snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&flow.id)
            .bind(&flow.organization_id)
            .bind(&flow.user_id)
            .bind(&flow.intent)
            .bind(&flow.slug)
            .bind(&flow.started_at)
            .bind(&flow.snapshot)
            .execute(&self.pool)
            .await?;
        self.flows_changed();
        Ok(())
    }

    /// The flow, only for the organization and user that started it.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn flow(&self, id: &str, organization_id: &str, user_id: &str) -> Result<Option<Flow>, sqlx::Error> {
        sqlx::query_as("SELECT * FROM flows WHERE id = $1 AND organization_id = $2 AND user_id = $3")
            .bind(id)
            .bind(organization_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
    }

    /// The user's newest unfinished flow of `intent` in the organization started at or after `since`.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn open_flow(&self, organization_id: &str, user_id: &str, intent: &str, since: &str) -> Result<Option<Flow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT * FROM flows WHERE organization_id = $1 AND user_id = $2 AND intent = $3 AND outcome IS NULL AND started_at >= $4 \
             ORDER BY started_at DESC LIMIT 1",
        )
        .bind(organization_id)
        .bind(user_id)
        .bind(intent)
        .bind(since)
        .fetch_optional(&self.pool)
        .await
    }

    /// The user's latest flows in the organization, newest first.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn recent_flows(&self, organization_id: &str, user_id: &str, limit: i64) -> Result<Vec<Flow>, sqlx::Error> {
        sqlx::query_as("SELECT * FROM flows WHERE organization_id = $1 AND user_id = $2 ORDER BY started_at DESC LIMIT $3")
            .bind(organization_id)
            .bind(user_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
    }

    /// Records how the flow ended, the first time only.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn end_flow(&self, id: &str, outcome: &str, at: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE flows SET outcome = $1, ended_at = $2 WHERE id = $3 AND ended_at IS NULL")
            .bind(outcome)
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.flows_changed();
        Ok(())
    }

    /// How many migrations the database has applied, and how many Orgdeck knows.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn migrations_applied(&self) -> Result<(i64, i64), sqlx::Error> {
        let known = sqlx::migrate!("./migrations").migrations.len() as i64;
        let applied: i64 = sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations WHERE success")
            .fetch_one(&self.pool)
            .await
            .map(|r| r.get("n"))?;
        Ok((applied, known))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn record_lab_action(&self, a: &LabRecord) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO lab_actions (id, at, who, what, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(ulid::Ulid::new().to_string())
            .bind(&a.at)
            .bind(&a.who)
            .bind(&a.what)
            .bind(&a.detail)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The latest lab actions, newest first.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn lab_actions(&self, limit: i64) -> Result<Vec<LabRecord>, sqlx::Error> {
        sqlx::query_as("SELECT at, who, what, detail FROM lab_actions ORDER BY at DESC, id DESC LIMIT $1").bind(limit).fetch_all(&self.pool).await
    }

    /// Stores the event unless one with its id is there: true when it was new.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn insert_event(&self, e: &StoredEvent) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO events (id, event, organization_id, user_id, created_at, received_at, source, payload) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&e.id)
        .bind(&e.event)
        .bind(&e.organization_id)
        .bind(&e.user_id)
        .bind(&e.created_at)
        .bind(&e.received_at)
        .bind(&e.source)
        .bind(&e.payload)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn events(&self, q: &EventQuery) -> Result<Vec<StoredEvent>, sqlx::Error> {
        // Numbered by hand: the Any driver's query builder writes `?`, which PostgreSQL refuses.
        let mut sql = String::from("SELECT * FROM events WHERE 1 = 1");
        let mut values: Vec<&str> = Vec::new();
        let mut next = |v| {
            values.push(v);
            values.len()
        };
        if let Some(org) = &q.organization_id {
            sql += &format!(" AND organization_id = ${}", next(org));
        }
        if let Some(user) = &q.user_id {
            sql += &format!(" AND user_id = ${}", next(user));
        }
        if let Some(kind) = &q.event {
            sql += &format!(" AND event = ${}", next(kind));
        }
        if let Some(since) = &q.since {
            sql += &format!(" AND created_at >= ${}", next(since));
        }
        if let Some((at, id)) = &q.before {
            let (at, id) = (next(at), next(id));
            sql += &format!(" AND (created_at < ${at} OR (created_at = ${at} AND id < ${id}))");
        }
        sql += &format!(" ORDER BY created_at DESC, id DESC LIMIT ${}", values.len() + 1);
        let mut query = sqlx::query_as(&sql);
        for v in values {
            query = query.bind(v);
        }
        query.bind(q.limit).fetch_all(&self.pool).await
    }

    /// Has an event of the organization been stored at or after `since` (an
    /// RFC 3339 time as `now_iso` writes it)?
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn received_since(&self, organization_id: &str, since: &str) -> Result<bool, sqlx::Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM events WHERE organization_id = $1 AND received_at >= $2")
            .bind(organization_id)
            .bind(since)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.get::<i64, _>("n") > 0)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn event(&self, id: &str) -> Result<Option<StoredEvent>, sqlx::Error> {
        sqlx::query_as("SELECT * FROM events WHERE id = $1").bind(id).fetch_optional(&self.pool).await
    }

    /// The event types stored for an organization (about `user`, if given), for a filter.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn event_types(&self, organization_id: &str, user: Option<&str>) -> Result<Vec<String>, sqlx::Error> {
        let rows = match user {
            None => sqlx::query("SELECT DISTINCT event FROM events WHERE organization_id = $1 ORDER BY event").bind(organization_id),
            Some(user) => sqlx::query("SELECT DISTINCT event FROM events WHERE organization_id = $1 AND user_id = $2 ORDER BY event")
                .bind(organization_id)
                .bind(user),
        }
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| r.get("event")).collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn event_count(&self) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT COUNT(*) AS n FROM events").fetch_one(&self.pool).await.map(|r| r.get("n"))
    }

    /// All stored event ids (for tests and reconciliation).
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn event_ids(&self) -> Result<Vec<String>, sqlx::Error> {
        let rows = sqlx::query("SELECT id FROM events ORDER BY id").fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| r.get("id")).collect())
    }

    /// The newest stored event's time, where a lost cursor starts again.
    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn newest_event_at(&self) -> Result<Option<String>, sqlx::Error> {
        sqlx::query("SELECT MAX(created_at) AS at FROM events").fetch_one(&self.pool).await.map(|r| r.get("at"))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn cursor(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT event_id FROM sync_cursors WHERE name = $1").bind(name).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.get("event_id")))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(otel.kind = "client"))]
    pub async fn set_cursor(&self, name: &str, event_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO sync_cursors (name, event_id, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET event_id = excluded.event_id, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(event_id)
        .bind(now_iso())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// [`Store::refresh_once`]'s work, on a connection the caller has made exclusive for `key`.
async fn refresh_in<F, Fut, E>(conn: &mut AnyConnection, key: &str, refresh: F) -> Result<Result<String, E>, sqlx::Error>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<String, E>>,
{
    forget_old_refreshes(conn).await?;
    let done = sqlx::query("SELECT sealed FROM session_refreshes WHERE key = $1").bind(key).fetch_optional(&mut *conn).await?;
    if let Some(row) = done {
        return Ok(Ok(row.get("sealed")));
    }
    let made = refresh().await;
    if let Ok(sealed) = &made {
        sqlx::query("INSERT INTO session_refreshes (key, sealed, refreshed_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(sealed)
            .bind(now_iso())
            .execute(&mut *conn)
            .await?;
    }
    Ok(made)
}

async fn forget_old_refreshes(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    let stale = iso(chrono::Utc::now() - REFRESH_SHARED_FOR);
    sqlx::query("DELETE FROM session_refreshes WHERE refreshed_at < $1").bind(&stale).execute(conn).await?;
    Ok(())
}

/// The address without its password, for messages and the doctor.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("REDACTED"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_flow_is_seen_only_by_its_user_and_ends_once() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        let flow = Flow {
            id: "flow_1".into(),
            organization_id: "org_a".into(),
            user_id: "user_a".into(),
            intent: "sso".into(),
            slug: "sso".into(),
            started_at: "2026-11-26T00:00:00Z".into(),
            ended_at: None,
            outcome: None,
            snapshot: "{}".into(),
        };
        store.start_flow(&flow).await.unwrap();
        assert_eq!(store.flow("flow_1", "org_a", "user_a").await.unwrap(), Some(flow.clone()));
        assert_eq!(store.flow("flow_1", "org_b", "user_a").await.unwrap(), None);
        assert_eq!(store.flow("flow_1", "org_a", "user_b").await.unwrap(), None);
        assert_eq!(store.recent_flows("org_a", "user_a", 5).await.unwrap(), vec![flow.clone()]);
        assert!(store.recent_flows("org_a", "user_b", 5).await.unwrap().is_empty());
        store.end_flow("flow_1", "completed", "2026-11-26T00:01:00Z").await.unwrap();
        store.end_flow("flow_1", "returned", "2026-11-26T00:02:00Z").await.unwrap();
        let ended = store.flow("flow_1", "org_a", "user_a").await.unwrap().unwrap();
        assert_eq!((ended.outcome.as_deref(), ended.ended_at.as_deref()), (Some("completed"), Some("2026-11-26T00:01:00Z")));

        // What tells a kept dashboard its flows changed: a start, each end, a flow dropped; not a sweep that dropped none.
        let seen = store.flow_changes();
        store.forget_older_than("2026-01-01T00:00:00Z").await.unwrap();
        assert_eq!(store.flow_changes(), seen, "nothing went");
        store.forget_older_than("2027-01-01T00:00:00Z").await.unwrap();
        assert_eq!(store.flow_changes(), seen + 1, "the flow went");
    }

    fn event(id: &str, org: &str, at: &str) -> StoredEvent {
        StoredEvent {
            id: id.into(),
            event: "invitation.created".into(),
            organization_id: Some(org.into()),
            user_id: None,
            created_at: at.into(),
            received_at: at.into(),
            source: "webhook".into(),
            payload: "{}".into(),
        }
    }

    #[test]
    fn a_database_error_reaches_the_user_as_an_id_not_its_text() {
        let e = AppError::from(sqlx::Error::Protocol("relation \"flows\" does not exist at db.internal".into()));
        let AppError::Internal { message } = e else { panic!("{e:?}") };
        assert!(message.contains("error id ") && !message.contains("flows") && !message.contains("db.internal"), "{message}");
    }

    #[tokio::test]
    async fn what_is_older_than_the_retention_goes_and_the_rest_stays() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        store.insert_event(&event("event_old", "org_a", "2026-01-01T00:00:00.000Z")).await.unwrap();
        store.insert_event(&event("event_new", "org_a", "2026-11-30T00:00:00.000Z")).await.unwrap();
        let lab = |at: &str| LabRecord { at: at.into(), who: "ada@acme.test".into(), what: "minted".into(), detail: String::new() };
        store.record_lab_action(&lab("2026-01-01T00:00:00.000Z")).await.unwrap();
        store.record_lab_action(&lab("2026-11-30T00:00:00.000Z")).await.unwrap();
        assert_eq!(store.forget_older_than("2026-06-01T00:00:00.000Z").await.unwrap(), 2);
        assert_eq!(store.event_ids().await.unwrap(), ["event_new"]);
        assert_eq!(store.lab_actions(10).await.unwrap().len(), 1);
    }

    #[test]
    fn a_database_password_is_never_shown() {
        assert_eq!(redacted("postgres://orgdeck:s3cret@db.internal:5432/orgdeck"), "postgres://orgdeck:REDACTED@db.internal:5432/orgdeck");
        assert_eq!(redacted("sqlite://data/orgdeck.db"), "sqlite://data/orgdeck.db");
    }

    #[tokio::test]
    async fn an_event_is_stored_once_and_paged_newest_first() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        assert!(store.insert_event(&event("event_1", "org_a", "2026-11-26T00:00:01Z")).await.unwrap());
        assert!(!store.insert_event(&event("event_1", "org_a", "2026-11-26T00:00:01Z")).await.unwrap(), "a replay is not new");
        store.insert_event(&event("event_2", "org_a", "2026-11-26T00:00:02Z")).await.unwrap();
        store.insert_event(&event("event_3", "org_b", "2026-11-26T00:00:03Z")).await.unwrap();
        let q = EventQuery { organization_id: Some("org_a".into()), limit: 1, ..Default::default() };
        let first = store.events(&q).await.unwrap();
        assert_eq!(first[0].id, "event_2");
        let next = EventQuery { before: Some((first[0].created_at.clone(), first[0].id.clone())), ..q };
        assert_eq!(store.events(&next).await.unwrap()[0].id, "event_1");
        assert_eq!(store.event_count().await.unwrap(), 3);
        store.set_cursor("events_api", "event_3").await.unwrap();
        store.set_cursor("events_api", "event_4").await.unwrap();
        assert_eq!(store.cursor("events_api").await.unwrap().as_deref(), Some("event_4"));
    }
}
