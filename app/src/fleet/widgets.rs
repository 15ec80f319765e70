//! The fleet's small pieces, shared by the fleet and backtest pages: status badges and
//! progress bars.

use leptos::prelude::*;

use super::model::{TaskState, WorkerStatus};

/// How a worker's status reads: its label and badge class.
pub const fn worker_status_badge(status: WorkerStatus) -> (&'static str, &'static str) {
    match status {
        WorkerStatus::Online => ("Online", "badge-ok"),
        WorkerStatus::Stale => ("Stale", "badge-warn"),
        WorkerStatus::Offline => ("Offline", "badge-muted"),
        WorkerStatus::Quarantined => ("Quarantined", "badge-danger"),
        WorkerStatus::Disabled => ("Disabled", "badge-muted"),
    }
}

#[component]
pub fn WorkerBadge(status: WorkerStatus) -> impl IntoView {
    let (label, class) = worker_status_badge(status);
    view! {
        <span class=format!("{class} inline-flex items-center gap-1.5") data-testid="worker-status" data-status=status.as_str()>
            <span class="status-dot" aria-hidden="true"></span>
            {label}
        </span>
    }
}

/// How a task's state reads: its label and badge class.
pub const fn task_state_badge(state: TaskState) -> (&'static str, &'static str) {
    match state {
        TaskState::Queued => ("Queued", "badge-muted"),
        TaskState::Leased => ("Starting", "badge"),
        TaskState::Running => ("Running", "badge"),
        TaskState::Done => ("Done", "badge-ok"),
        TaskState::Failed => ("Failed", "badge-danger"),
        TaskState::Cancelled => ("Cancelled", "badge-muted"),
    }
}

#[component]
pub fn TaskBadge(state: TaskState) -> impl IntoView {
    let (label, class) = task_state_badge(state);
    view! { <span class=class data-testid="task-state" data-state=state.as_str()>{label}</span> }
}

/// `done` of `total` as a bar with its numbers, read out as a progress bar.
#[component]
pub fn Progress(done: i64, total: i64, #[prop(optional)] label: &'static str) -> impl IntoView {
    let total = total.max(0);
    let done = done.clamp(0, total);
    #[allow(clippy::cast_precision_loss)]
    let percent = if total > 0 {
        done as f64 / total as f64 * 100.0
    } else {
        0.0
    };
    let name = if label.is_empty() { "Progress" } else { label };
    view! {
        <div class="flex min-w-40 items-center gap-3">
            <div
                class="progress"
                role="progressbar"
                aria-label=name
                aria-valuemin="0"
                aria-valuemax=total
                aria-valuenow=done
                data-testid="task-progress"
            >
                // An SVG bar: its width is an attribute, which the content security policy
                // allows where it refuses inline styles.
                <svg class="block h-full w-full" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">
                    <rect class="progress-fill" width=format!("{percent:.1}") height="1" rx="0.5" />
                </svg>
            </div>
            <span class="text-xs whitespace-nowrap text-muted tabular-nums">{format!("{done} / {total}")}</span>
        </div>
    }
}
