//! One section's tab: its items in order, each with its edit form, move buttons and
//! delete button, rows that can be dragged to another place, and the form adding one.
//! A skill category holds its own list of skills, edited the same way.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use server_fn::ServerFn;

use super::item_form::ItemForm;
use super::{Editing, use_editing};
use crate::profiles::api::{
    DeleteProfileItem, MoveProfileItem, delete_profile_item, move_profile_item,
};
use crate::profiles::format;
use crate::profiles::model::{ItemKind, Move, ProfileItem, Section};
use crate::ui::{Icon, IconKind};

#[component]
pub(super) fn SectionPanel(section: Section) -> impl IntoView {
    let editing = use_editing();
    let kind = section.kind();
    let items = Signal::derive(move || {
        editing.profile.with(|profile| {
            profile.as_ref().map_or_else(Vec::new, |profile| {
                profile.section(section).cloned().collect::<Vec<_>>()
            })
        })
    });
    let noun = kind.noun();
    view! {
        <section class="mt-6" aria-labelledby="section-title" data-testid=format!("section-{}", section.as_str())>
            <h2 id="section-title" class="title-2">{section.title()}</h2>
            <Show when=move || items.with(Vec::is_empty)>
                <div class="empty-state mt-4" data-testid="section-empty">
                    <h3 class="title-3">{format!("No {} yet", section.title().to_lowercase())}</h3>
                    <p class="mx-auto mt-2 max-w-md text-muted">{section.empty_hint()}</p>
                </div>
            </Show>
            {item_list(items)}
            <details class="card mt-4" data-testid=format!("add-{}", kind.as_str()) open=move || items.with(Vec::is_empty)>
                <summary class="cursor-pointer font-semibold">{format!("Add {} {noun}", article(noun))}</summary>
                <div class="mt-4"><ItemForm kind /></div>
            </details>
        </section>
    }
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// A list of sibling items (a section's, or a category's skills), keyed by id and
/// content, so a move moves the row and an edit redraws it.
fn item_list(items: Signal<Vec<ProfileItem>>) -> AnyView {
    view! {
        <ol class="profile-items mt-4">
            <For
                each=move || items.get()
                key=|item| (item.id.clone(), format!("{:?}", item.fields))
                children=move |item| view! { <ItemRow item siblings=items /> }
            />
        </ol>
    }
    .into_any()
}

#[component]
fn ItemRow(item: ProfileItem, siblings: Signal<Vec<ProfileItem>>) -> impl IntoView {
    let editing = use_editing();
    let id = item.id.clone();
    let place = {
        let id = id.clone();
        Signal::derive(move || {
            siblings.with(|list| {
                let at = list.iter().position(|sibling| sibling.id == id);
                (at, list.len())
            })
        })
    };
    let first = Signal::derive(move || place.get().0 == Some(0));
    let last = Signal::derive(move || {
        let (at, len) = place.get();
        at.is_some_and(|at| at + 1 == len)
    });
    let title = format::title(&item);
    let details = format::details(&item);
    let tags = item.fields.tags.clone();
    let over = RwSignal::new(false);
    let drag = drag_handlers(editing, &id, siblings, over);
    let skills = (item.kind == ItemKind::SkillCategory).then(|| {
        let category = id.clone();
        view! { <Skills category /> }
    });
    let edit_label = format!("Edit {title}");
    view! {
        <li
            class="profile-item"
            data-testid="profile-item"
            data-kind=item.kind.as_str()
            data-drop-target=move || over.get().then_some("true")
            on:dragover=drag.over
            on:dragleave=move |_| over.set(false)
            on:drop=drag.drop
        >
            <div class="flex flex-wrap items-start gap-3">
                <span
                    class="drag-handle"
                    draggable="true"
                    title="Drag to reorder"
                    aria-hidden="true"
                    on:dragstart=drag.start
                    on:dragend=move |_| editing.dragging.set(None)
                >
                    "⠿"
                </span>
                <div class="min-w-0 flex-1">
                    <p class="font-semibold" data-testid="profile-item-title">{title.clone()}</p>
                    {(!details.is_empty()).then(|| view! { <p class="text-sm text-muted" data-testid="profile-item-details">{details}</p> })}
                    {(!tags.is_empty()).then(|| view! {
                        <p class="mt-1 flex flex-wrap gap-1">
                            {tags.into_iter().map(|tag| view! { <span class="tag">{tag}</span> }).collect_view()}
                        </p>
                    })}
                </div>
                <div class="flex items-center gap-1">
                    <MoveButton id=id.clone() title=title.clone() direction=Move::Up at_edge=first />
                    <MoveButton id=id.clone() title=title.clone() direction=Move::Down at_edge=last />
                    <DeleteButton id=id.clone() title=title.clone() />
                </div>
            </div>
            <details class="mt-2">
                <summary class="cursor-pointer text-sm text-brand" aria-label=edit_label>"Edit"</summary>
                <div class="mt-3"><ItemForm kind=item.kind item=item.clone() /></div>
            </details>
            {skills}
        </li>
    }
}

/// A category's skills and the form adding one to it.
#[component]
fn Skills(category: String) -> impl IntoView {
    let editing = use_editing();
    let parent = category.clone();
    let skills = Signal::derive(move || {
        editing.profile.with(|profile| {
            profile.as_ref().map_or_else(Vec::new, |profile| {
                profile.children(&parent).cloned().collect::<Vec<_>>()
            })
        })
    });
    view! {
        <div class="mt-3 border-l-2 border-line pl-4">
            {move || skills.with(Vec::is_empty).then(|| view! {
                <p class="text-sm text-muted">"No skills in this category yet."</p>
            })}
            {item_list(skills)}
            <details class="mt-2" data-testid="add-skill">
                <summary class="cursor-pointer text-sm text-brand">"Add a skill"</summary>
                <div class="mt-3"><ItemForm kind=ItemKind::Skill parent=category /></div>
            </details>
        </div>
    }
}

/// Moves the item one place, shown at once and undone if the server refuses. At the
/// list's end the button stays focusable and says so rather than vanishing under focus.
#[component]
fn MoveButton(id: String, title: String, direction: Move, at_edge: Signal<bool>) -> impl IntoView {
    let editing = use_editing();
    let (word, value, icon_class) = match direction {
        Move::Down => ("down", "down", "size-4 rotate-90"),
        _ => ("up", "up", "size-4 -rotate-90"),
    };
    let button_id = format!("move-{value}-{id}");
    let on_submit = {
        let (id, button_id) = (id.clone(), button_id.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            if !at_edge.get_untracked() {
                move_optimistically(editing, id.clone(), direction, Some(button_id.clone()));
            }
        }
    };
    view! {
        <form method="post" action=MoveProfileItem::url() on:submit=on_submit>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="direction" value=value />
            <button
                class="btn btn-secondary btn-sm aria-disabled:opacity-50"
                type="submit"
                id=button_id
                aria-label=format!("Move {title} {word}")
                aria-disabled=move || at_edge.get().then_some("true")
                data-testid=format!("move-{value}")
            >
                <Icon kind=IconKind::ArrowRight class=icon_class />
            </button>
        </form>
    }
}

/// Removes the item (a category with its skills, after asking), at once; put back with
/// a message if the server refuses.
#[component]
fn DeleteButton(id: String, title: String) -> impl IntoView {
    let editing = use_editing();
    let on_submit = {
        let (id, title) = (id.clone(), title.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let skills = editing.profile.with_untracked(|profile| {
                profile
                    .as_ref()
                    .map_or(0, |profile| profile.children(&id).count())
            });
            if skills > 0 && !confirmed(&format!("Delete {title} and its {skills} skills?")) {
                return;
            }
            delete_optimistically(editing, id.clone(), title.clone());
        }
    };
    view! {
        <form method="post" action=DeleteProfileItem::url() on:submit=on_submit>
            <input type="hidden" name="id" value=id />
            <button class="btn btn-secondary btn-sm" type="submit" aria-label=format!("Delete {title}") data-testid="delete-item">
                "Delete"
            </button>
        </form>
    }
}

fn confirmed(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        window().confirm_with_message(question).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        true
    }
}

/// Moves an item on the page now and on the server after; the server's answer replaces
/// the guess, and a refusal restores the page as it was. Focus follows the moved button.
pub(super) fn move_optimistically(
    editing: Editing,
    id: String,
    direction: Move,
    focus: Option<String>,
) {
    let before = editing.profile.get_untracked();
    editing.notice.set(None);
    editing.profile.update(|profile| {
        if let Some(profile) = profile {
            profile.move_item(&id, direction);
        }
    });
    refocus(focus.as_deref());
    let (word, position) = match direction {
        Move::Up => ("up", None),
        Move::Down => ("down", None),
        Move::To(position) => ("to", Some(position)),
    };
    leptos::task::spawn_local(async move {
        match move_profile_item(id, word.to_owned(), position).await {
            Ok(saved) => editing.profile.set(Some(saved)),
            Err(err) => {
                editing.profile.set(before);
                editing
                    .notice
                    .set(Some(format!("The move was undone. {err}")));
                refocus(focus.as_deref());
            }
        }
    });
}

fn delete_optimistically(editing: Editing, id: String, title: String) {
    let before = editing.profile.get_untracked();
    editing.notice.set(None);
    editing.profile.update(|profile| {
        if let Some(profile) = profile {
            profile.remove_item(&id);
        }
    });
    leptos::task::spawn_local(async move {
        match delete_profile_item(id).await {
            Ok(saved) => editing.profile.set(Some(saved)),
            Err(err) => {
                editing.profile.set(before);
                editing
                    .notice
                    .set(Some(format!("{title} was not deleted. {err}")));
            }
        }
    });
}

/// Focuses the element `id` once the page has redrawn (a moved row loses focus).
fn refocus(id: Option<&str>) {
    #[cfg(feature = "hydrate")]
    if let Some(id) = id.map(str::to_owned) {
        request_animation_frame(move || {
            if let Some(element) = document().get_element_by_id(&id) {
                use wasm_bindgen::JsCast;
                if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                    let _ = element.focus();
                }
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// The drag-and-drop handlers of one row: a row accepts a drop from its own list only.
struct Drag<Start, Over, Drop> {
    start: Start,
    over: Over,
    drop: Drop,
}

fn drag_handlers(
    editing: Editing,
    id: &str,
    siblings: Signal<Vec<ProfileItem>>,
    over: RwSignal<bool>,
) -> Drag<
    impl Fn(leptos::ev::DragEvent) + 'static,
    impl Fn(leptos::ev::DragEvent) + 'static,
    impl Fn(leptos::ev::DragEvent) + 'static,
> {
    let dragged = id.to_owned();
    let start = move |event: leptos::ev::DragEvent| {
        editing.dragging.set(Some(dragged.clone()));
        // Firefox starts a drag only when it carries data.
        #[cfg(feature = "hydrate")]
        if let Some(transfer) = event.data_transfer() {
            let _ = transfer.set_data("text/plain", &dragged);
            transfer.set_effect_allowed("move");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    let target = id.to_owned();
    // Where a drop here puts the dragged item, if it comes from this list.
    let drop_place = move || {
        let dragging = editing.dragging.get_untracked()?;
        siblings.with_untracked(|list| {
            let from_here = dragging != target && list.iter().any(|item| item.id == dragging);
            let at = list.iter().position(|item| item.id == target)?;
            from_here.then_some((dragging, at))
        })
    };
    let accepts = {
        let drop_place = drop_place.clone();
        move || drop_place().is_some()
    };
    let over_handler = {
        let accepts = accepts.clone();
        move |event: leptos::ev::DragEvent| {
            if accepts() {
                event.prevent_default();
                over.set(true);
            }
        }
    };
    let drop = move |event: leptos::ev::DragEvent| {
        over.set(false);
        let Some((dragging, to)) = drop_place() else {
            return;
        };
        event.prevent_default();
        editing.dragging.set(None);
        move_optimistically(editing, dragging, Move::To(to), None);
    };
    Drag {
        start,
        over: over_handler,
        drop,
    }
}
