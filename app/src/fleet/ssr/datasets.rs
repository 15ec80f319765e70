//! Datasets: OHLCV CSV files checked on upload, kept in the object store, streamed to the
//! agents that run tasks over them.

use bytes::Bytes;
use edge_protocol::dataset::{DatasetError, parse_csv};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::error::StorageContext;
use super::rows::{DATASET_COLUMNS, DatasetRow};
use super::{EdgeContext, FleetError, Owner, now};
use crate::fleet::model::Dataset;
use crate::storage::{StorageError, on_pool};

const MAX_NAME_CHARS: usize = 120;

/// Why an upload was refused: a bad name, or every problem found in the file.
#[derive(Debug)]
pub enum ImportError {
    Invalid(DatasetError),
    Fleet(FleetError),
}

impl From<FleetError> for ImportError {
    fn from(err: FleetError) -> Self {
        Self::Fleet(err)
    }
}

/// Checks and stores a CSV file; the object is written before the row, so a row always
/// points at an object.
pub async fn import(
    context: &EdgeContext,
    owner: &Owner,
    name: &str,
    bytes: Bytes,
) -> Result<Dataset, ImportError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(FleetError::field(
            "name",
            format!("Name the dataset in 1 to {MAX_NAME_CHARS} characters."),
        )
        .into());
    }
    let candles =
        parse_csv(&bytes, context.settings.dataset_limits).map_err(ImportError::Invalid)?;
    let (Some(first), Some(last)) = (candles.first(), candles.last()) else {
        return Err(FleetError::field("file", "The file has no candles.").into());
    };
    let id = Uuid::new_v4().to_string();
    let row = DatasetRow {
        object_key: format!("datasets/{}/{id}.csv", owner.user_id),
        id,
        owner_id: owner.user_id.clone(),
        name: name.to_owned(),
        rows: i64::try_from(candles.len()).unwrap_or(i64::MAX),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256: hex::encode(Sha256::digest(&bytes)),
        first_time: first.time,
        last_time: last.time,
        created_at: now(),
    };
    context
        .objects
        .put(&row.object_key, bytes)
        .await
        .during("storing a dataset")?;
    let sql = format!(
        "INSERT INTO datasets ({DATASET_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    );
    on_pool!(&context.database, |pool| sqlx::query(&sql)
        .bind(&row.id)
        .bind(&row.owner_id)
        .bind(&row.name)
        .bind(&row.object_key)
        .bind(row.rows)
        .bind(row.size_bytes)
        .bind(&row.sha256)
        .bind(row.first_time)
        .bind(row.last_time)
        .bind(row.created_at)
        .execute(pool)
        .await
        .map(drop))
    .during("recording a dataset")?;
    Ok(row.to_model())
}

pub async fn find(context: &EdgeContext, id: &str) -> Result<Option<DatasetRow>, FleetError> {
    let sql = format!("SELECT {DATASET_COLUMNS} FROM datasets WHERE id = $1");
    on_pool!(&context.database, |pool| sqlx::query_as::<_, DatasetRow>(
        &sql
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
    .during("loading a dataset")
}

/// A dataset the owner may use; anyone else's is "not found".
pub async fn owned(
    context: &EdgeContext,
    owner: &Owner,
    id: &str,
) -> Result<DatasetRow, FleetError> {
    find(context, id)
        .await?
        .filter(|row| owner.may_access(&row.owner_id))
        .ok_or_else(|| FleetError::not_found("dataset"))
}

/// The owner's datasets, newest first.
pub async fn list(context: &EdgeContext, owner: &Owner) -> Result<Vec<Dataset>, FleetError> {
    let sql = format!(
        "SELECT {DATASET_COLUMNS} FROM datasets WHERE owner_id = $1 \
         ORDER BY created_at DESC, id LIMIT 500"
    );
    let rows = on_pool!(&context.database, |pool| sqlx::query_as::<_, DatasetRow>(
        &sql
    )
    .bind(&owner.user_id)
    .fetch_all(pool)
    .await)
    .during("listing datasets")?;
    Ok(rows.iter().map(DatasetRow::to_model).collect())
}

/// The dataset's file, as a stream of chunks.
pub async fn open(
    context: &EdgeContext,
    row: &DatasetRow,
) -> Result<futures::stream::BoxStream<'static, Result<Bytes, StorageError>>, FleetError> {
    context
        .objects
        .get_stream(&row.object_key)
        .await
        .during("opening a dataset")
}
