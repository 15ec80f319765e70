//! Datasets: OHLCV CSV files in whatever shape people have them, converted into the
//! dataset format as they stream in, kept in the object store, streamed to the agents that
//! run tasks over them.

use app_model::live::ChangeKind;

use crate::live::announce;
use bytes::Bytes;
use edge_protocol::api::ErrorCode;
use edge_protocol::dataset::{DatasetError, LayoutOverrides, PriceOutline};
use futures::{Stream, StreamExt};
use uuid::Uuid;

use super::dataset_convert::Converter;
use super::error::StorageContext;
use super::rows::{DATASET_COLUMNS, DatasetRow};
use super::{EdgeContext, FleetError, Owner, now};
use crate::storage::{ObjectWriter, StorageError, on_pool};
use app_model::fleet::{Dataset, DatasetChart};
use tokio::sync::mpsc;

const MAX_NAME_CHARS: usize = 120;

/// Why an import was refused. Nothing is stored in any of these cases.
#[derive(Debug)]
pub enum ImportError {
    /// Not a single byte arrived.
    Empty,
    /// More than `limit` bytes arrived; reading stopped there.
    TooLarge { limit: usize },
    /// The file is not a dataset: every problem found, with its line.
    Invalid(DatasetError),
    /// The upload broke off before its end (the client went away or stalled).
    Interrupted,
    /// As many imports as the server checks at once are under way; retry shortly.
    Busy,
    /// A bad name, or the database or object store failed.
    Fleet(FleetError),
}

impl From<FleetError> for ImportError {
    fn from(err: FleetError) -> Self {
        Self::Fleet(err)
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("the file is empty"),
            Self::TooLarge { limit } => write!(f, "the file is larger than {limit} bytes"),
            Self::Invalid(invalid) => write!(f, "not a valid dataset: {invalid}"),
            Self::Interrupted => f.write_str("the upload broke off before its end"),
            Self::Busy => f.write_str("too many datasets are being imported; retry shortly"),
            Self::Fleet(err) => write!(f, "{err}"),
        }
    }
}

/// Converts and stores a CSV file as it streams in: at most `LP_EDGE_DATASET_MAX_BYTES`
/// are read; the layout is detected from the first bytes (keeping what `overrides` chose),
/// the rows are checked, rewritten into the dataset format and hashed on the blocking pool
/// while the converted file is written to the object store in parts; the row is recorded
/// only once the object is complete. On any refusal or failure the partial object is
/// removed and no row exists.
pub async fn import<S, E>(
    context: &EdgeContext,
    owner: &Owner,
    name: &str,
    overrides: &LayoutOverrides,
    mut body: S,
) -> Result<Dataset, ImportError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(FleetError::field(
            "name",
            format!("Name the dataset in 1 to {MAX_NAME_CHARS} characters."),
        )
        .into());
    }
    let limits = context.settings.dataset_limits;
    let (mut converter, output) = Converter::start(limits, *overrides).ok_or(ImportError::Busy)?;
    let id = Uuid::new_v4().to_string();
    let object_key = format!("datasets/{}/{id}.csv", owner.user_id);
    let writer = context.objects.writer(&object_key);

    // The upload feeds the conversion while its output is stored: two loops side by side,
    // each ending its queue when it stops, so neither can wait on the other for ever.
    let feeding = async {
        let mut read = 0_usize;
        let outcome = loop {
            let chunk = match body.next().await {
                None => break Fed::Whole { read },
                Some(Err(err)) => {
                    tracing::info!(error = %err, "a dataset upload broke off");
                    break Fed::Interrupted;
                }
                Some(Ok(chunk)) => chunk,
            };
            read = read.saturating_add(chunk.len());
            if read > limits.max_bytes {
                break Fed::TooLarge;
            }
            if !converter.feed(chunk).await {
                break Fed::Stopped;
            }
        };
        converter.end_input();
        outcome
    };
    let (fed, (writer, stored)) = futures::join!(feeding, store(writer, output));
    let verdict = converter.finish().await;

    let refusal = match fed {
        Fed::Interrupted => Some(ImportError::Interrupted),
        Fed::TooLarge => Some(ImportError::TooLarge {
            limit: limits.max_bytes,
        }),
        Fed::Whole { read: 0 } => Some(ImportError::Empty),
        Fed::Whole { .. } | Fed::Stopped => None,
    };
    if let Some(refusal) = refusal {
        return Err(refuse(writer, refusal).await);
    }
    if let Err(err) = stored {
        return Err(refuse(writer, stored_nothing("storing a dataset", err)).await);
    }
    let converted = match verdict {
        Ok(Ok(converted)) if !matches!(fed, Fed::Stopped) => converted,
        Ok(Err(invalid)) => return Err(refuse(writer, ImportError::Invalid(invalid)).await),
        Ok(Ok(_)) | Err(_) => {
            tracing::error!("the dataset conversion ended without a verdict");
            let failed = FleetError::refused(ErrorCode::Internal, "the dataset check failed");
            return Err(refuse(writer, failed.into()).await);
        }
    };
    writer
        .finish()
        .await
        .during("storing a dataset")
        .map_err(ImportError::Fleet)?;
    let row = DatasetRow {
        object_key,
        id,
        owner_id: owner.user_id.clone(),
        name: name.to_owned(),
        rows: i64::try_from(converted.summary.rows).unwrap_or(i64::MAX),
        size_bytes: i64::try_from(converted.size).unwrap_or(i64::MAX),
        sha256: converted.sha256,
        first_time: converted.summary.first_time,
        last_time: converted.summary.last_time,
        created_at: now(),
    };
    // The object is written first so that a row always points at a whole object; an
    // object without its row is unreachable, so it goes when the row cannot be written
    // (the account was deleted during the upload, the database failed).
    if let Err(err) = insert(context, &row, &converted.summary.outline).await {
        if let Err(cleanup) = context.objects.delete(&row.object_key).await {
            tracing::error!(error = %cleanup, "an unrecorded dataset object could not be removed");
        }
        return Err(err.into());
    }
    announce(context, &row.owner_id, ChangeKind::Dataset, &row.id).await;
    Ok(row.to_model())
}

/// How the upload's side of an import ended.
enum Fed {
    /// The body ended after `read` bytes.
    Whole { read: usize },
    /// The body broke off or stalled.
    Interrupted,
    /// The body passed the size limit; reading stopped there.
    TooLarge,
    /// The conversion stopped reading: it has refused the file.
    Stopped,
}

/// Writes the converted file's chunks to the object as they come. On a failure it stops,
/// which ends the output queue and with it the conversion.
async fn store(
    mut writer: ObjectWriter,
    mut output: mpsc::Receiver<Bytes>,
) -> (ObjectWriter, Result<(), StorageError>) {
    while let Some(chunk) = output.recv().await {
        if let Err(err) = writer.write(chunk).await {
            return (writer, Err(err));
        }
    }
    (writer, Ok(()))
}

/// Aborts the partial object before answering, so a refused upload leaves nothing behind.
async fn refuse(writer: ObjectWriter, error: ImportError) -> ImportError {
    writer.abort().await;
    error
}

fn stored_nothing(context: &'static str, source: StorageError) -> ImportError {
    ImportError::Fleet(FleetError::Storage { context, source })
}

async fn insert(
    context: &EdgeContext,
    row: &DatasetRow,
    outline: &PriceOutline,
) -> Result<(), FleetError> {
    let sql = format!(
        "INSERT INTO datasets ({DATASET_COLUMNS}, price_outline) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    );
    // Serialising plain numbers cannot fail; an outline that somehow did is left out
    // rather than refusing the dataset.
    let outline = serde_json::to_string(outline).ok();
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
        .bind(&outline)
        .execute(pool)
        .await
        .map(drop))
    .during("recording a dataset")
}

/// A dataset the owner may reach with its price outline: dataset `id`, or with `None`
/// their newest (and `None` when they have none).
pub async fn prices(
    context: &EdgeContext,
    owner: &Owner,
    id: Option<&str>,
) -> Result<Option<DatasetChart>, FleetError> {
    let row = match id {
        Some(id) => owned(context, owner, id).await?,
        None => {
            let sql = format!(
                "SELECT {DATASET_COLUMNS} FROM datasets WHERE owner_id = $1 \
                 ORDER BY created_at DESC, id LIMIT 1"
            );
            let newest = on_pool!(&context.database, |pool| sqlx::query_as::<_, DatasetRow>(
                &sql
            )
            .bind(&owner.user_id)
            .fetch_optional(pool)
            .await)
            .during("finding the newest dataset")?;
            match newest {
                Some(row) => row,
                None => return Ok(None),
            }
        }
    };
    let outline = stored_outline(context, &row.id).await?;
    Ok(Some(DatasetChart {
        dataset: row.to_model(),
        outline,
    }))
}

/// The stored outline of dataset `id`, unchecked: for callers that checked the owner.
pub(crate) async fn stored_outline(
    context: &EdgeContext,
    id: &str,
) -> Result<Option<PriceOutline>, FleetError> {
    let stored: Option<Option<String>> = on_pool!(&context.database, |pool| sqlx::query_scalar(
        "SELECT price_outline FROM datasets WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
    .during("reading a dataset's outline")?;
    Ok(stored
        .flatten()
        .and_then(|json| match serde_json::from_str(&json) {
            Ok(outline) => Some(outline),
            Err(err) => {
                tracing::error!(error = %err, dataset = id, "a stored price outline does not parse");
                None
            }
        }))
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

/// Deletes a dataset the owner may reach, and its file. Refused while any backtest refers
/// to it: a task's results are only worth keeping with the candles they came from.
pub async fn delete(context: &EdgeContext, owner: &Owner, id: &str) -> Result<Dataset, FleetError> {
    let row = owned(context, owner, id).await?;
    let (running, total): (i64, i64) = on_pool!(&context.database, |pool| sqlx::query_as(
        "SELECT COUNT(CASE WHEN state IN ('queued', 'leased', 'running') THEN 1 END), COUNT(*) \
         FROM tasks WHERE dataset_id = $1"
    )
    .bind(&row.id)
    .fetch_one(pool)
    .await)
    .during("counting a dataset's tasks")?;
    let refuse = |running: i64, total: i64| {
        FleetError::conflict(if running > 0 {
            format!(
                "{running} backtest(s) are running on this dataset; wait for them or cancel them first"
            )
        } else {
            format!("{total} backtest(s) keep their results with this dataset, so it stays")
        })
    };
    if total > 0 {
        return Err(refuse(running, total));
    }
    // The check again inside the delete: a task created in between keeps the dataset.
    let deleted = on_pool!(&context.database, |pool| sqlx::query(
        "DELETE FROM datasets WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM tasks WHERE dataset_id = $1)"
    )
    .bind(&row.id)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))
    .during("deleting a dataset")?;
    if deleted == 0 {
        return Err(refuse(0, 1));
    }
    // The row is gone, so nothing refers to the file any more; a file left behind by a
    // failed delete costs space, not correctness.
    if let Err(err) = context.objects.delete(&row.object_key).await {
        tracing::warn!(error = %err, key = %row.object_key, "fleet: a deleted dataset's file stayed");
    }
    announce(context, &row.owner_id, ChangeKind::Dataset, &row.id).await;
    Ok(row.to_model())
}
