//! `/_widgets/directory-sync/*`: what the DirectorySync widget calls.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

use super::caller::WidgetCaller;
use crate::api::portal;
use crate::http::{ApiError, ApiResult};
use crate::model::Directory;
use crate::emulator::Emulator;
use crate::state::Db;

const DSYNC: &str = "widgets:dsync:manage";

fn directory_json(db: &Db, d: &Directory) -> Value {
    let (active, inactive, groups) = db.directory_counts(&d.id);
    json!({
        "id": d.id,
        "name": d.name,
        "type": d.directory_type,
        "state": d.state,
        "createdAt": d.created_at,
        "updatedAt": d.updated_at,
        "lastSyncRunAt": d.last_sync_run_at,
        "metadata": {"users": {"active": active, "inactive": inactive}, "groups": groups},
    })
}

/// The organization's directories, and a fresh Admin Portal link (`dsync`) for the widget's button.
pub async fn directories(State(emu): State<Emulator>, caller: WidgetCaller) -> ApiResult {
    caller.require(DSYNC)?;
    let org = caller.organization()?.to_string();
    let mut db = emu.db();
    let data: Vec<Value> = db.directories.iter().filter(|d| d.organization_id == org).map(|d| directory_json(&db, d)).collect();
    let link = portal::issue(&emu, &mut db, &org, "dsync", None, None, "secret");
    Ok(Json(json!({"data": data, "link": link})).into_response())
}

pub async fn directory(State(emu): State<Emulator>, caller: WidgetCaller, Path(id): Path<String>) -> ApiResult {
    caller.require(DSYNC)?;
    let org = caller.organization()?.to_string();
    let db = emu.db();
    let d = db
        .directories
        .iter()
        .find(|d| d.id == id && d.organization_id == org)
        .ok_or_else(|| ApiError::widget(StatusCode::NOT_FOUND, "Directory not found."))?;
    Ok(Json(directory_json(&db, d)).into_response())
}
