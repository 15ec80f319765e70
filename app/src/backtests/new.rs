//! `/backtests/new`: a backtest from a form — dataset, strategy, a range per parameter
//! (inputs drawn from the strategy's schema, the number of configs counted as you type),
//! costs, and the agent to run it. The ranges are written into the grid field, which is
//! what the form sends, so the form also works without JavaScript by typing the grid.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::auth::require::RequireUser;
use crate::beta::forms::{FormAlert, field_error, form_error};
use crate::beta::frame::{AppFrame, Breadcrumbs};
use crate::fleet::api::{CreateTask, list_datasets, list_workers};
use crate::fleet::model::{Dataset, FleetError, Worker};
use edge_protocol::strategy::{Grid, MAX_CONFIGS, ParameterKind, StrategyName};

#[component]
pub fn NewBacktestPage() -> impl IntoView {
    view! {
        <Title text="New backtest" />
        <RequireUser children=|_| view! { <AppFrame><NewBacktest /></AppFrame> } />
    }
}

async fn choices() -> Result<(Vec<Dataset>, Vec<Worker>), FleetError> {
    // Started together: a server function called while the server renders the page finds
    // its context only until the fetcher first awaits.
    let (datasets, workers) = futures::future::join(list_datasets(), list_workers()).await;
    Ok((datasets?, workers?))
}

#[component]
fn NewBacktest() -> impl IntoView {
    let loaded = Resource::new(|| (), |()| choices());
    view! {
        <Breadcrumbs trail=vec![
            ("Backtests".to_owned(), "/backtests".to_owned()),
            ("New".to_owned(), "/backtests/new".to_owned()),
        ] />
        <h1 class="display-2 mt-3">"New backtest"</h1>
        <Suspense fallback=|| view! { <p class="mt-8 text-muted" role="status">"Loading your datasets and agents..."</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((datasets, _)) if datasets.is_empty() => EitherOf3::A(view! {
                        <div class="empty-state mt-8" data-testid="new-backtest-no-data">
                            <h2 class="title-3">"First, a dataset"</h2>
                            <p class="mt-2 text-muted">"A backtest runs over candles you uploaded. Upload a CSV of OHLCV data, then come back."</p>
                            <a class="btn btn-primary mt-4" href="/datasets">"Upload a dataset"</a>
                        </div>
                    }),
                    Ok((datasets, workers)) => EitherOf3::B(view! { <BacktestForm datasets workers /> }),
                    Err(err) => EitherOf3::C(view! { <p class="alert mt-8" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Suspense>
    }
}

/// One parameter's range as typed: from, to, step.
#[derive(Clone, Copy)]
struct RangeInputs {
    from: RwSignal<String>,
    to: RwSignal<String>,
    step: RwSignal<String>,
}

/// The text form of the ranges: `fast=5..20:5,slow=30` (a single value when `to` is empty
/// or equal to `from`).
fn grid_text(strategy: StrategyName, ranges: &[RangeInputs]) -> String {
    strategy
        .parameters()
        .iter()
        .zip(ranges)
        .filter_map(|(spec, range)| {
            let from = range.from.get();
            let (from, to, step) = (from.trim(), range.to.get(), range.step.get());
            let (to, step) = (to.trim().to_owned(), step.trim().to_owned());
            if from.is_empty() {
                return None;
            }
            Some(if to.is_empty() || to == from {
                format!("{}={from}", spec.name)
            } else {
                let step = if step.is_empty() {
                    "1".to_owned()
                } else {
                    step
                };
                format!("{}={from}..{to}:{step}", spec.name)
            })
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// What the grid amounts to: `Ok(configs)` or the reason it is refused.
fn count_configs(strategy: StrategyName, text: &str) -> Result<usize, String> {
    let grid = Grid::parse(strategy, text).map_err(|err| err.0)?;
    if grid.combinations() > MAX_CONFIGS {
        return Err(format!(
            "{} combinations; at most {MAX_CONFIGS} configs are allowed",
            grid.combinations()
        ));
    }
    grid.expand(strategy)
        .map(|configs| configs.len())
        .map_err(|err| err.0)
}

fn default_ranges(strategy: StrategyName) -> Vec<(String, String, String)> {
    strategy
        .parameters()
        .iter()
        .map(|spec| {
            let step = if spec.kind == ParameterKind::Integer {
                "1"
            } else {
                "0.5"
            };
            (spec.default.to_string(), String::new(), step.to_owned())
        })
        .collect()
}

#[component]
fn BacktestForm(datasets: Vec<Dataset>, workers: Vec<Worker>) -> impl IntoView {
    let create = ServerAction::<CreateTask>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(task)) = create.value().get() {
            navigate(&format!("/backtests/{}", task.id), Default::default());
        }
    });
    let strategy = RwSignal::new(StrategyName::SmaCrossover);
    // One set of inputs per strategy, so switching back keeps what was typed.
    let ranges: Vec<(StrategyName, Vec<RangeInputs>)> = StrategyName::ALL
        .into_iter()
        .map(|name| {
            let inputs = default_ranges(name)
                .into_iter()
                .map(|(from, to, step)| RangeInputs {
                    from: RwSignal::new(from),
                    to: RwSignal::new(to),
                    step: RwSignal::new(step),
                })
                .collect();
            (name, inputs)
        })
        .collect();
    let ranges = StoredValue::new(ranges);
    let inputs_of = move |name: StrategyName| {
        ranges.with_value(|all| {
            all.iter()
                .find(|(strategy, _)| *strategy == name)
                .map(|(_, inputs)| inputs.clone())
                .unwrap_or_default()
        })
    };
    let grid = RwSignal::new(grid_text(
        StrategyName::SmaCrossover,
        &inputs_of(StrategyName::SmaCrossover),
    ));
    // The ranges write the grid; typing in the grid itself is kept until a range changes.
    Effect::new(move |_| {
        let name = strategy.get();
        grid.set(grid_text(name, &inputs_of(name)));
    });
    let count = move || count_configs(strategy.get(), &grid.get());
    let parameter_inputs = move || {
        let name = strategy.get();
        name.parameters()
            .iter()
            .zip(inputs_of(name))
            .map(|(spec, range)| {
                let id = format!("param-{}-{}", name.as_str(), spec.name);
                view! {
                    <fieldset class="rounded-lg border border-line p-4">
                        <legend class="px-1 text-sm font-semibold">{spec.name}</legend>
                        <p class="text-sm text-muted">{format!("{} ({} to {})", spec.description, spec.min, spec.max)}</p>
                        <div class="mt-3 grid grid-cols-3 gap-3">
                            <div class="field">
                                <label class="label" for=format!("{id}-from")>"From"</label>
                                <input class="input" id=format!("{id}-from") type="number" inputmode="decimal" prop:value=move || range.from.get() on:input=move |event| range.from.set(event_target_value(&event)) />
                            </div>
                            <div class="field">
                                <label class="label" for=format!("{id}-to")>"To"</label>
                                <input class="input" id=format!("{id}-to") type="number" inputmode="decimal" placeholder="same" prop:value=move || range.to.get() on:input=move |event| range.to.set(event_target_value(&event)) />
                            </div>
                            <div class="field">
                                <label class="label" for=format!("{id}-step")>"Step"</label>
                                <input class="input" id=format!("{id}-step") type="number" inputmode="decimal" prop:value=move || range.step.get() on:input=move |event| range.step.set(event_target_value(&event)) />
                            </div>
                        </div>
                    </fieldset>
                }
            })
            .collect_view()
    };
    view! {
        <div class="card mt-6">
            <FormAlert message=form_error(create) />
            <ActionForm action=create attr:class="flex flex-col gap-6" attr:data-testid="new-backtest-form">
                <div class="grid gap-4 md:grid-cols-2">
                    <div class="field">
                        <label class="label" for="dataset">"Dataset"</label>
                        <select class="select" id="dataset" name="task[dataset_id]" required>
                            {datasets.into_iter().map(|dataset| view! {
                                <option value=dataset.id.clone()>{format!("{} · {} candles", dataset.name, dataset.rows)}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-error" role="alert">{move || field_error(create, "dataset").get()}</p>
                    </div>
                    <div class="field">
                        <label class="label" for="strategy">"Strategy"</label>
                        <select class="select" id="strategy" name="task[strategy]" on:change=move |event| {
                            if let Some(name) = StrategyName::parse(&event_target_value(&event)) {
                                strategy.set(name);
                            }
                        }>
                            {StrategyName::ALL.into_iter().map(|name| view! {
                                <option value=name.as_str() selected=move || strategy.get() == name>{name.label()}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-error" role="alert">{move || field_error(create, "strategy").get()}</p>
                    </div>
                </div>
                <div>
                    <h2 class="title-3">"Parameters"</h2>
                    <p class="mt-1 text-sm text-muted">"A range sweeps every value from “From” to “To” by “Step”; leave “To” empty for a single value."</p>
                    <div class="mt-4 grid gap-4 lg:grid-cols-2">{parameter_inputs}</div>
                </div>
                <div class="field">
                    <label class="label" for="grid">"Grid"</label>
                    <input class="input font-mono" id="grid" name="task[grid]" autocomplete="off" prop:value=move || grid.get() on:input=move |event| grid.set(event_target_value(&event)) aria-describedby="grid-count" />
                    <p id="grid-count" class="text-sm" role="status" aria-live="polite" data-testid="config-count">
                        {move || match count() {
                            Ok(1) => view! { <span class="text-muted">"1 config"</span> }.into_any(),
                            Ok(count) => view! { <span class="text-muted">{format!("{count} configs")}</span> }.into_any(),
                            Err(problem) => view! { <span class="text-danger">{problem}</span> }.into_any(),
                        }}
                    </p>
                    <p class="field-error" role="alert">{move || field_error(create, "grid").get()}</p>
                </div>
                <div class="grid gap-4 md:grid-cols-3">
                    <div class="field">
                        <label class="label" for="fee">"Fee per fill"</label>
                        <input class="input" id="fee" name="task[fee]" type="number" step="any" min="0" max="0.1" value="0.001" inputmode="decimal" aria-describedby="fee-hint" />
                        <p id="fee-hint" class="text-sm text-muted">"A fraction: 0.001 is 0.1 %."</p>
                        <p class="field-error" role="alert">{move || field_error(create, "fee").get()}</p>
                    </div>
                    <div class="field">
                        <label class="label" for="slippage">"Slippage per fill"</label>
                        <input class="input" id="slippage" name="task[slippage]" type="number" step="any" min="0" max="0.1" value="0.0005" inputmode="decimal" aria-describedby="slippage-hint" />
                        <p id="slippage-hint" class="text-sm text-muted">"How much worse than the open each fill is."</p>
                        <p class="field-error" role="alert">{move || field_error(create, "slippage").get()}</p>
                    </div>
                    <div class="field">
                        <label class="label" for="worker">"Run on"</label>
                        <select class="select" id="worker" name="task[worker_id]">
                            <option value="">"Any of my agents"</option>
                            {workers.into_iter().map(|worker| view! {
                                <option value=worker.id.clone()>{format!("{} ({})", worker.display_name, worker.status.as_str())}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-error" role="alert">{move || field_error(create, "worker").get()}</p>
                    </div>
                </div>
                <div>
                    <button class="btn btn-primary" type="submit" disabled=move || create.pending().get() || count().is_err() data-testid="create-backtest">
                        {move || if create.pending().get() { "Queuing..." } else { "Run backtest" }}
                    </button>
                </div>
            </ActionForm>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::count_configs;
    use edge_protocol::strategy::StrategyName;

    #[test]
    fn the_count_leaves_out_configs_the_strategy_refuses() {
        // fast must stay below slow: 5..20 × 10..20 has 4 × 3 = 12 pairs, 6 with fast below slow.
        let count = count_configs(StrategyName::SmaCrossover, "fast=5..20:5,slow=10..20:5");
        assert_eq!(count, Ok(6));
        assert!(count_configs(StrategyName::SmaCrossover, "fast=5..1").is_err());
        assert!(count_configs(StrategyName::SmaCrossover, "fast=1..10000,slow=2..10000").is_err());
    }
}
