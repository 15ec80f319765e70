//! Uploading a dataset: choose a file, see how its columns were read (delimiter, header,
//! rows skipped, which column is which) with the first candles and every problem by line,
//! correct any of it, name it, and send it with a progress bar. A refusal says exactly
//! what was wrong, line by line, and stores nothing.

use leptos::prelude::*;
use serde::Deserialize;

use crate::ui::time::format_utc;
use edge_protocol::dataset::{
    Columns, DatasetError, DatasetProblem, Delimiter, Detection, Field, LayoutOverrides, detect,
};

/// Where uploads go (the server's streaming route).
const UPLOAD_PATH: &str = "/api/fleet/datasets/upload";

/// What the upload route answers when it refuses a file.
// The items the browser alone uses (sending, reading the answer) are dead in the server build.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, Default, Deserialize)]
struct Refusal {
    message: String,
    #[serde(default)]
    problems: Vec<DatasetProblem>,
}

/// Where an upload stands.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum Sending {
    Idle,
    /// Bytes sent of the total.
    Going(f64, f64),
    Stored(String),
    Refused(String, Vec<DatasetProblem>),
}

/// The layout as the person set it, on top of what detection proposes.
#[derive(Clone, Copy, Default)]
struct Choices {
    delimiter: RwSignal<Option<Delimiter>>,
    header: RwSignal<Option<bool>>,
    skip_rows: RwSignal<Option<usize>>,
    columns: RwSignal<Option<Columns>>,
}

impl Choices {
    fn overrides(self) -> LayoutOverrides {
        LayoutOverrides {
            delimiter: self.delimiter.get(),
            header: self.header.get(),
            skip_rows: self.skip_rows.get(),
            columns: self.columns.get(),
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn clear(self) {
        self.delimiter.set(None);
        self.header.set(None);
        self.skip_rows.set(None);
        self.columns.set(None);
    }
}

/// The query that makes the server read the file exactly as the preview did.
fn upload_url(name: &str, detection: &Detection) -> String {
    let layout = detection.layout;
    let encode = crate::auth::return_to::encode;
    format!(
        "{UPLOAD_PATH}?name={}&delimiter={}&header={}&skip_rows={}&columns={}",
        encode(name.trim()),
        layout.delimiter.name(),
        if layout.header { "yes" } else { "no" },
        layout.skip_rows,
        encode(&layout.columns.to_string()),
    )
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
/// A dataset name from a file name: `BTCUSDT-1h-2024.csv` → `BTCUSDT-1h-2024`.
fn name_from_file(file: &str) -> String {
    file.rsplit_once('.')
        .map_or(file, |(stem, _)| stem)
        .to_owned()
}

#[component]
pub fn Upload(uploaded: RwSignal<u32>) -> impl IntoView {
    let file_name = RwSignal::new(None::<(String, f64)>);
    let head = RwSignal::new(None::<(Vec<u8>, bool)>);
    let name = RwSignal::new(String::new());
    let choices = Choices::default();
    let sending = RwSignal::new(Sending::Idle);
    let detection = Memo::new(move |_| {
        let overrides = choices.overrides();
        head.with(|head| {
            head.as_ref().map(|(bytes, whole)| {
                detect(bytes, *whole, &overrides).map_err(|err: DatasetError| err.problems)
            })
        })
    });
    let on_file = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some((file, size)) = super::browser::choose(&event) {
            choices.clear();
            sending.set(Sending::Idle);
            name.set(name_from_file(&file));
            file_name.set(Some((file, size)));
            #[allow(clippy::cast_precision_loss)]
            let whole = size <= edge_protocol::dataset::DETECT_BYTES as f64;
            super::browser::read_head(edge_protocol::dataset::DETECT_BYTES, move |bytes| {
                head.set(Some((bytes, whole)));
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, file_name, name);
    };
    let send = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(Ok(found)) = detection.get_untracked() else {
            return;
        };
        let url = upload_url(&name.get_untracked(), &found);
        sending.set(Sending::Going(0.0, 1.0));
        #[cfg(feature = "hydrate")]
        super::browser::upload(
            &url,
            move |sent, total| sending.set(Sending::Going(sent, total)),
            move |finished| {
                sending.set(match finished {
                    Ok(done) if done.status == 201 => {
                        super::browser::forget();
                        head.set(None);
                        file_name.set(None);
                        uploaded.update(|count| *count += 1);
                        Sending::Stored(name.get_untracked())
                    }
                    Ok(done) => {
                        let refusal: Refusal =
                            serde_json::from_str(&done.body).unwrap_or_else(|_| Refusal {
                                message: format!(
                                    "The server refused the file (HTTP {}).",
                                    done.status
                                ),
                                problems: Vec::new(),
                            });
                        Sending::Refused(refusal.message, refusal.problems)
                    }
                    Err(message) => Sending::Refused(message, Vec::new()),
                });
            },
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = (url, uploaded);
    };
    view! {
        <section class="card mt-6" aria-labelledby="upload-title">
            <h2 id="upload-title" class="title-3">"Upload a dataset"</h2>
            <form class="mt-4 flex flex-col gap-5" on:submit=send data-testid="upload-form">
                <div class="field">
                    <label class="label" for="dataset-file">"CSV file"</label>
                    <input class="input" id="dataset-file" type="file" accept=".csv,.txt,.tsv,text/csv" on:change=on_file data-testid="dataset-file" />
                    <p class="text-sm text-muted">"Up to 64 MB. Nothing is stored until you press Upload."</p>
                </div>
                {move || file_name.get().map(|_| view! {
                    <Mapping detection choices />
                    <div class="grid gap-4 md:grid-cols-[2fr_auto] md:items-end">
                        <div class="field">
                            <label class="label" for="dataset-name">"Name"</label>
                            <input class="input" id="dataset-name" required maxlength="200" prop:value=move || name.get() on:input=move |event| name.set(event_target_value(&event)) />
                        </div>
                        <button class="btn btn-primary" type="submit" data-testid="upload-dataset"
                            disabled=move || !matches!(detection.get(), Some(Ok(ref found)) if found.problems.is_empty()) || matches!(sending.get(), Sending::Going(..))>
                            "Upload"
                        </button>
                    </div>
                })}
            </form>
            <Status sending />
        </section>
    }
}

#[component]
fn Status(sending: RwSignal<Sending>) -> impl IntoView {
    move || {
        match sending.get() {
        Sending::Idle => ().into_any(),
        Sending::Going(sent, total) => {
            let percent = if total > 0.0 { sent / total * 100.0 } else { 0.0 };
            view! {
                <div class="mt-4" role="status" aria-live="polite" data-testid="upload-progress">
                    <div class="progress" role="progressbar" aria-label="Upload" aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{percent:.0}")>
                        <svg class="block h-full w-full" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">
                            <rect class="progress-fill" width=format!("{percent:.1}") height="1" />
                        </svg>
                    </div>
                    <p class="mt-1 text-sm text-muted">{format!("Uploading… {percent:.0} %")}</p>
                </div>
            }
            .into_any()
        }
        Sending::Stored(name) => view! {
            <p class="mt-4 text-sm text-accent" role="status" data-testid="upload-stored">{format!("Stored “{name}”. It is listed below and ready for a backtest.")}</p>
        }
        .into_any(),
        Sending::Refused(message, problems) => view! {
            <div class="alert mt-4" role="alert" data-testid="upload-refused">
                <p>{message}</p>
                <Problems problems />
            </div>
        }
        .into_any(),
    }
    }
}

#[component]
fn Problems(problems: Vec<DatasetProblem>) -> impl IntoView {
    (!problems.is_empty()).then(|| {
        view! {
            <ul class="mt-2 list-disc pl-5 text-sm" data-testid="dataset-problems">
                {problems.into_iter().map(|problem| view! { <li>{problem.to_string()}</li> }).collect_view()}
            </ul>
        }
    })
}

/// How the file was read, with a control for each part, and the first candles.
#[component]
fn Mapping(
    detection: Memo<Option<Result<Detection, Vec<DatasetProblem>>>>,
    choices: Choices,
) -> impl IntoView {
    move || {
        match detection.get() {
        None => view! { <p class="text-muted" role="status">"Reading the file..."</p> }.into_any(),
        Some(Err(problems)) => view! {
            <div class="alert" role="alert" data-testid="detect-refused">
                <p>"These rows do not read as candles with a time and four prices."</p>
                <Problems problems />
                <p class="mt-2 text-sm">"Choose the delimiter or the columns below, or check the file."</p>
            </div>
            <LayoutControls names=Vec::new() detected=None choices />
        }
        .into_any(),
        Some(Ok(found)) => view! {
            <LayoutControls names=found.names.clone() detected=Some(found.layout.columns) choices />
            <div class="flex flex-wrap gap-2 text-sm text-muted" data-testid="detected-layout">
                <span class="badge-muted">{format!("delimiter: {}", found.layout.delimiter.name())}</span>
                <span class="badge-muted">{if found.layout.header { "header row" } else { "no header" }}</span>
                <span class="badge-muted">{format!("rows skipped: {}", found.layout.skip_rows)}</span>
                <span class="badge-muted" data-testid="detected-columns">{found.layout.columns.to_string()}</span>
            </div>
            {(!found.problems.is_empty()).then(|| view! {
                <div class="alert" role="alert" data-testid="preview-problems">
                    <p>"The upload would be refused for these rows:"</p>
                    <Problems problems=found.problems.clone() />
                </div>
            })}
            <PreviewTable found />
        }
        .into_any(),
    }
    }
}

#[component]
fn LayoutControls(
    names: Vec<String>,
    detected: Option<Columns>,
    choices: Choices,
) -> impl IntoView {
    let width = names
        .len()
        .max(detected.map_or(0, |columns| columns.needed_width()))
        .max(6);
    let column_name = move |index: usize| {
        names
            .get(index)
            .cloned()
            .unwrap_or_else(|| format!("column {}", index + 1))
    };
    let current = move || choices.columns.get().or(detected);
    let selects = Field::ALL
        .into_iter()
        .map(|field| {
            let options = (0..width)
                .map(|index| {
                    let label = column_name(index);
                    view! { <option value=index.to_string() selected=move || current().and_then(|c| c.get(field)) == Some(index)>{format!("{}: {label}", index + 1)}</option> }
                })
                .collect_view();
            let none = (field == Field::Volume).then(|| view! {
                <option value="none" selected=move || current().is_some_and(|c| c.volume.is_none())>"none"</option>
            });
            let id = format!("column-{}", field.name());
            view! {
                <div class="field">
                    <label class="label" for=id.clone()>{field.name()}</label>
                    <select class="select" id=id on:change=move |event| {
                        let value = event_target_value(&event);
                        let mut columns = current().unwrap_or(Columns::POSITIONAL);
                        let index = value.parse::<usize>().ok();
                        match (field, index) {
                            (Field::Time, Some(index)) => columns.time = index,
                            (Field::Open, Some(index)) => columns.open = index,
                            (Field::High, Some(index)) => columns.high = index,
                            (Field::Low, Some(index)) => columns.low = index,
                            (Field::Close, Some(index)) => columns.close = index,
                            (Field::Volume, index) => columns.volume = index,
                            _ => return,
                        }
                        choices.columns.set(Some(columns));
                    }>
                        {options}
                        {none}
                    </select>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="rounded-lg border border-line p-4">
            <legend class="px-1 text-sm font-semibold">"How the file is read"</legend>
            <div class="grid gap-4 sm:grid-cols-3">
                <div class="field">
                    <label class="label" for="layout-delimiter">"Delimiter"</label>
                    <select class="select" id="layout-delimiter" on:change=move |event| choices.delimiter.set(Delimiter::parse(&event_target_value(&event)).ok())>
                        <option value="auto" selected=move || choices.delimiter.get().is_none()>"detect"</option>
                        {Delimiter::ALL.into_iter().map(|delimiter| view! {
                            <option value=delimiter.name() selected=move || choices.delimiter.get() == Some(delimiter)>{delimiter.name()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label class="label" for="layout-header">"First row"</label>
                    <select class="select" id="layout-header" on:change=move |event| choices.header.set(match event_target_value(&event).as_str() {
                        "yes" => Some(true),
                        "no" => Some(false),
                        _ => None,
                    })>
                        <option value="auto">"detect"</option>
                        <option value="yes">"names the columns"</option>
                        <option value="no">"is a candle"</option>
                    </select>
                </div>
                <div class="field">
                    <label class="label" for="layout-skip">"Rows to skip after it"</label>
                    <input class="input" id="layout-skip" type="number" min="0" max="10" placeholder="detect" on:input=move |event| choices.skip_rows.set(event_target_value(&event).trim().parse().ok()) />
                </div>
            </div>
            <div class="mt-4 grid gap-4 sm:grid-cols-3 lg:grid-cols-6">{selects}</div>
        </fieldset>
    }
}

#[component]
fn PreviewTable(found: Detection) -> impl IntoView {
    let shown = found.preview.len();
    view! {
        <div class="table-wrap" role="region" aria-label="Preview" tabindex="0">
            <table class="data-table" data-testid="preview-table">
                <caption class="sr-only">{format!("The first {shown} candles as read")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"time"</th>
                        <th scope="col" class="text-right">"open"</th>
                        <th scope="col" class="text-right">"high"</th>
                        <th scope="col" class="text-right">"low"</th>
                        <th scope="col" class="text-right">"close"</th>
                        <th scope="col" class="text-right">"volume"</th>
                    </tr>
                </thead>
                <tbody>
                    {found.preview.into_iter().map(|candle| view! {
                        <tr>
                            <td class="whitespace-nowrap">{format_utc(candle.time)}</td>
                            <td class="text-right tabular-nums">{candle.open}</td>
                            <td class="text-right tabular-nums">{candle.high}</td>
                            <td class="text-right tabular-nums">{candle.low}</td>
                            <td class="text-right tabular-nums">{candle.close}</td>
                            <td class="text-right tabular-nums">{candle.volume}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="text-sm text-muted">{format!("The first {shown} of {} rows read from the file's opening.", found.rows_read)}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upload_sends_the_layout_the_preview_showed() {
        let file = b",Open,High,Low,Close,Volume\n2024-01-02,1.5,2,1,1.75,100\n2024-01-03,1.75,2,1.5,1.8,120\n";
        let found = detect(file, true, &LayoutOverrides::default()).expect("a pandas file reads");
        let url = upload_url("pandas export", &found);
        assert!(url.starts_with("/api/fleet/datasets/upload?name=pandas%20export&delimiter=comma&header=yes&skip_rows=0&columns="), "{url}");
        assert!(url.contains("time%3D1"), "{url}");
        assert_eq!(name_from_file("BTCUSDT-1h-2024.csv"), "BTCUSDT-1h-2024");
    }
}
