//! The "how it works" diagram, in HTML so it reflows from a column on phones to a row
//! on wide screens and reads as text to screen readers.

use app::ui::{Icon, IconKind};
use leptos::prelude::*;

#[component]
fn Link(label: &'static str, detail: &'static str) -> impl IntoView {
    view! {
        <div class="flow-link">
            <span class="flow-arrows" aria-hidden="true">
                <Icon kind=IconKind::ArrowRight class="size-5" />
            </span>
            <span class="flow-label">{label}</span>
            <span class="flow-detail">{detail}</span>
        </div>
    }
}

#[component]
pub fn FlowDiagram() -> impl IntoView {
    view! {
        <figure class="flow mt-10" aria-labelledby="flow-caption">
            <div class="flow-node">
                <span class="icon-tile">
                    <Icon kind=IconKind::User />
                </span>
                <p class="flow-title">"You, in the app"</p>
                <p class="flow-text">"Upload candles, pick a strategy and a grid, watch progress, compare results."</p>
            </div>
            <Link label="HTTPS" detail="tasks and results" />
            <div class="flow-node flow-node-brand">
                <span class="icon-tile">
                    <Icon kind=IconKind::Server />
                </span>
                <p class="flow-title">"LuckyPlans server"</p>
                <p class="flow-text">
                    "The control plane: a task queue with leases, your fleet's status and timeline, datasets and results."
                </p>
            </div>
            <Link label="Outbound HTTPS" detail="heartbeat · lease · results" />
            <div class="flow-node">
                <span class="icon-tile">
                    <Icon kind=IconKind::Cpu />
                </span>
                <p class="flow-title">"Your edge agents"</p>
                <p class="flow-text">"edge-agent on a laptop, a workstation or a cloud VM runs each grid on every core."</p>
                <ul class="mt-3 flex flex-wrap gap-2" aria-label="Example agents">
                    <li class="badge-muted">"laptop"</li>
                    <li class="badge-muted">"workstation"</li>
                    <li class="badge-muted">"cloud VM"</li>
                </ul>
            </div>
            <figcaption id="flow-caption" class="flow-caption">
                "Agents only ever call the server, so your machines need no open ports. A task is leased to one agent at a time; if that agent disappears, its lease expires and another agent picks the task up where it stopped."
            </figcaption>
        </figure>
    }
}
