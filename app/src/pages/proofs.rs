//! Proofs and review (SPEC 3.2): "Send for review" on a file's page, the proof page
//! (`/proofs/proof?proof=…&version=…`), "My reviews" (`/reviews`) and the owner's proofs
//! (`/proofs?status=…&partner=…`).
//!
//! Everything works without JavaScript: the version picker and filters are links, every change
//! is a form post that comes back to the page, a comment is pinned to a page by its number.
//! With JavaScript the page refreshes in place after each change, and clicking a page of the
//! preview places the comment's pin on that point.

use entente_core::ItemId;
use entente_core::proofs::{Decision, OverallStatus};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::documents::{Preview, download_href, file_href, preview_href};
use crate::api::proofs::{
    AddReviewers, CommentEntry, CommentOnProof, DecideOnProof, LockProof, OurProofsPage, ProofPage,
    ProofRow, RemoveReviewer, ResolveComment, ReviewerChoice, SendForReview, SendForm,
    SetProofDeadline, compare_href, my_reviews, open_proof, our_proofs, proof_href,
    proof_send_form,
};
use crate::components::error_view::ErrorList;
use crate::components::form::{FormError, last_error};
use crate::components::format::format_unix_utc;
use crate::components::pager::page_href;
use crate::error::AppError;

/// The CSS class of a status badge.
fn status_class(status: OverallStatus) -> &'static str {
    match status {
        OverallStatus::Pending => "badge status-pending",
        OverallStatus::ChangesRequired => "badge status-changes",
        OverallStatus::ApprovedWithChanges => "badge status-with-changes",
        OverallStatus::Approved => "badge status-approved",
        OverallStatus::NotRelevant => "badge status-not-relevant",
    }
}

/// The CSS class of a decision badge.
fn decision_class(decision: Decision) -> &'static str {
    match decision {
        Decision::Pending => "badge status-pending",
        Decision::ChangesRequired => "badge status-changes",
        Decision::ApprovedWithChanges => "badge status-with-changes",
        Decision::Approved => "badge status-approved",
        Decision::NotRelevant => "badge status-not-relevant",
    }
}

/// The sentence beside a field the server refused.
fn field_error(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl Fn() -> Option<AnyView> + Send + 'static {
    move || {
        error
            .get()
            .and_then(|error| error.message_for(field))
            .map(|message| view! { <p class="field-error" role="alert">{message}</p> }.into_any())
    }
}

/// Checkboxes of the people who may be named, grouped by organization.
#[component]
fn ReviewerCheckboxes(choices: Vec<ReviewerChoice>) -> impl IntoView {
    let mut groups: Vec<(String, Vec<ReviewerChoice>)> = Vec::new();
    for choice in choices {
        match groups.iter_mut().find(|(group, _)| *group == choice.group) {
            Some((_, members)) => members.push(choice),
            None => groups.push((choice.group.clone(), vec![choice])),
        }
    }
    groups
        .into_iter()
        .map(|(group, members)| {
            view! {
                <fieldset class="reviewer-group">
                    <legend>{group}</legend>
                    {members
                        .into_iter()
                        .map(|choice| {
                            view! {
                                <label class="checkbox">
                                    <input type="checkbox" name="reviewers[]" value=choice.value />
                                    " "
                                    {choice.label}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
            }
        })
        .collect_view()
}

/// "Send for review" on a file's page: a link to its proof, or the form naming reviewers.
#[component]
pub fn SendForReviewSection(file: ItemId) -> impl IntoView {
    let send = ServerAction::<SendForReview>::new();
    let form = Resource::new(
        move || send.version().get(),
        move |_| proof_send_form(file.to_string()),
    );
    let error = last_error(send);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let form = form.await?;
                let shown = match form {
                    SendForm::Hidden => None,
                    SendForm::Proof(proof) => Some(
                        view! {
                            <section class="send-review" data-test="proof-link">
                                <h2>"Review"</h2>
                                <p>
                                    "This file is in review. "
                                    <A href=proof_href(proof, None)>"Open the proof"</A>
                                </p>
                            </section>
                        }
                            .into_any(),
                    ),
                    SendForm::Send(choices) => Some(
                        view! {
                            <section
                                class="send-review"
                                aria-labelledby="send-review-heading"
                                data-test="send-review"
                            >
                                <h2 id="send-review-heading">"Send for review"</h2>
                                <p class="muted">
                                    "Name the people who must decide: your own users, or members of a partner (they get the proof shared with them as Reviewer)."
                                </p>
                                <ActionForm action=send attr:data-test="send-review-form">
                                    <input type="hidden" name="file" value=file.to_string() />
                                    <ReviewerCheckboxes choices />
                                    {field_error(error, "reviewers")}
                                    <div class="field">
                                        <label for="review-deadline">"Deadline (UTC, optional)"</label>
                                        <input
                                            id="review-deadline"
                                            name="deadline"
                                            type="datetime-local"
                                        />
                                        {field_error(error, "deadline")}
                                    </div>
                                    <button type="submit" class="button">
                                        "Send for review"
                                    </button>
                                </ActionForm>
                                <FormError error />
                            </section>
                        }
                            .into_any(),
                    ),
                };
                Ok::<_, AppError>(shown)
            })}
        </Transition>
    }
}

/// The actions of the proof page, so any change refreshes it.
#[derive(Clone, Copy)]
struct ProofActions {
    decide: ServerAction<DecideOnProof>,
    comment: ServerAction<CommentOnProof>,
    resolve: ServerAction<ResolveComment>,
    lock: ServerAction<LockProof>,
    add: ServerAction<AddReviewers>,
    remove: ServerAction<RemoveReviewer>,
    deadline: ServerAction<SetProofDeadline>,
}

impl ProofActions {
    fn new() -> Self {
        Self {
            decide: ServerAction::new(),
            comment: ServerAction::new(),
            resolve: ServerAction::new(),
            lock: ServerAction::new(),
            add: ServerAction::new(),
            remove: ServerAction::new(),
            deadline: ServerAction::new(),
        }
    }

    fn version(self) -> [usize; 7] {
        [
            self.decide.version().get(),
            self.comment.version().get(),
            self.resolve.version().get(),
            self.lock.version().get(),
            self.add.version().get(),
            self.remove.version().get(),
            self.deadline.version().get(),
        ]
    }
}

/// The proof page.
#[component]
pub fn ProofReviewPage() -> impl IntoView {
    let query = use_query_map();
    let proof = Memo::new(move |_| query.read().get("proof").unwrap_or_default());
    let version = Memo::new(move |_| query.read().get("version"));
    let actions = ProofActions::new();
    // A reviewer's decision or comment elsewhere moves this, and the page reads again.
    let changed = crate::live::use_live().proof(move || proof.get().parse().ok());
    let page = Resource::new(
        move || (proof.get(), version.get(), actions.version(), changed.get()),
        |(proof, version, _, _)| open_proof(proof, version),
    );
    // A pin placed by a click belongs to the comment being written on the version shown: it
    // goes once that comment is posted, or when another proof or version is opened (else the
    // next comment would carry it, or be refused for a point without its page).
    if let Some(placing) = use_context::<PinPlacement>() {
        Effect::new(move |_| {
            proof.track();
            version.track();
            if !matches!(actions.comment.value().get(), Some(Err(_))) {
                placing.point.set(None);
            }
        });
    }
    view! {
        <Title text="Proof" />
        <section class="card proof" aria-labelledby="proof-heading">
            <Transition fallback=|| view! { <p>"Loading the proof…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let page = page.await?;
                        Ok::<_, AppError>(view! { <ProofView page actions /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn ProofView(page: ProofPage, actions: ProofActions) -> impl IntoView {
    let proof = page.file.id;
    let version = page.version;
    let is_current = version == page.current_version;
    let deadline = page.deadline.map(|deadline| {
        view! {
            <p data-test="proof-deadline" class=if page.overdue { "alert" } else { "muted" }>
                {format!("Deadline: {}", format_unix_utc(deadline.0))}
                {page.overdue.then_some(" — overdue")}
            </p>
        }
    });
    let versions = (1..=page.current_version)
        .rev()
        .map(|number| {
            let label = if number == page.current_version {
                format!("Version {number} (current)")
            } else {
                format!("Version {number}")
            };
            if number == version {
                view! { <li aria-current="page"><strong>{label}</strong></li> }.into_any()
            } else {
                view! { <li><A href=proof_href(proof, Some(number))>{label}</A></li> }.into_any()
            }
        })
        .collect_view();
    let status = page.status;
    let name = page.file.name.to_string();
    let crumb_name = name.clone();
    view! {
        <p class="breadcrumbs">
            <A href="/proofs">"Proofs"</A>
            " / "
            <A href=file_href(proof)>{crumb_name}</A>
        </p>
        <h1 id="proof-heading">{name}</h1>
        <p class="muted">
            {format!(
                "Sent for review by {} ({}) on {}",
                page.sent_by,
                page.owner,
                format_unix_utc(page.sent_at.0),
            )}
        </p>
        {deadline}
        {page.locked.then(|| view! {
            <p class="alert" data-test="proof-locked">
                "Locked: no more decisions or comments until the owner unlocks it."
            </p>
        })}
        <nav aria-label="Versions" class="version-picker">
            <ul data-test="version-picker">{versions}</ul>
        </nav>
        {(page.current_version > 1).then(|| {
            let other = if version > 1 { version - 1 } else { 2 };
            view! {
                <p>
                    <A href=compare_href(proof, other.min(version), other.max(version))>
                        {format!("Compare version {} and version {} side by side", other.min(version), other.max(version))}
                    </A>
                </p>
            }
        })}
        {(!is_current).then(|| view! {
            <p class="muted" data-test="old-version">
                {format!("You are looking at version {version}: its decisions and comments are kept as they were.")}
                " "
                <A href=proof_href(proof, None)>"Go to the current version"</A>
            </p>
        })}
        <section class="proof-status" aria-labelledby="status-heading" data-test="proof-status">
            <h2 id="status-heading">
                {format!("Version {version}: ")}
                <span class=status_class(status) data-test="overall-status">{status.label()}</span>
            </h2>
            <p data-test="status-reason">{page.reason.clone()}</p>
            <ReviewerList page=page.clone() actions />
        </section>
        {page.may_decide.then(|| view! { <DecideForm proof version mine=page.my_decision actions /> })}
        <div class="proof-layout">
            <PinnedPreview page=page.clone() />
            <CommentThread page=page.clone() actions />
        </div>
        {page.may_manage.then(|| view! { <ManagePanel page=page.clone() actions /> })}
        {page.may_download.then(|| view! {
            <p>
                <a class="button secondary" href=download_href(proof, Some(version)) rel="external" download="">
                    {format!("Download version {version}")}
                </a>
            </p>
        })}
        {(page.may_upload && is_current).then(|| view! {
            <p class="muted">
                "To send a new version for review, "
                <A href=file_href(proof)>"upload it on the file's page"</A>
                ": every reviewer is asked again."
            </p>
        })}
    }
}

#[component]
fn ReviewerList(page: ProofPage, actions: ProofActions) -> impl IntoView {
    let removable = page.may_manage && page.version == page.current_version;
    let proof = page.file.id;
    let error = last_error(actions.remove);
    view! {
        <ul class="reviewer-list" data-test="reviewers">
            {page
                .reviewers
                .into_iter()
                .map(|reviewer| {
                    let when = reviewer
                        .decided_at
                        .map(|at| format!(" · {}", format_unix_utc(at.0)))
                        .unwrap_or_default();
                    let who = format!("{} ({})", reviewer.name, reviewer.organization);
                    view! {
                        <li data-test="reviewer-row">
                            <span class="reviewer-name">{who.clone()}</span>
                            " "
                            <span class=decision_class(reviewer.decision) data-test="reviewer-decision">
                                {reviewer.decision.label()}
                            </span>
                            <span class="muted">{when}</span>
                            {removable.then(|| view! {
                                <ActionForm action=actions.remove attr:class="inline-form">
                                    <input type="hidden" name="proof" value=proof.to_string() />
                                    <input type="hidden" name="user" value=reviewer.user.clone() />
                                    <button type="submit" class="link-button" aria-label=format!("Remove {who} as a reviewer")>
                                        "Remove"
                                    </button>
                                </ActionForm>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <FormError error />
    }
}

#[component]
fn DecideForm(
    proof: ItemId,
    version: u32,
    mine: Option<Decision>,
    actions: ProofActions,
) -> impl IntoView {
    let error = last_error(actions.decide);
    let current = mine.unwrap_or(Decision::Pending);
    view! {
        <section class="decide" aria-labelledby="decide-heading" data-test="decide">
            <h2 id="decide-heading">"Decide"</h2>
            <p class="muted">
                {format!("Your decision on version {version}: {}", current.label())}
            </p>
            <ActionForm action=actions.decide attr:class="decision-buttons">
                <input type="hidden" name="proof" value=proof.to_string() />
                <input type="hidden" name="version" value=version.to_string() />
                {Decision::CHOICES
                    .into_iter()
                    .map(|decision| {
                        let class = if decision == current { "button" } else { "button secondary" };
                        view! {
                            <button
                                type="submit"
                                name="decision"
                                value=decision.as_str()
                                class=class
                                aria-pressed=if decision == current { "true" } else { "false" }
                            >
                                {decision.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </ActionForm>
            <FormError error />
        </section>
    }
}

/// A point's share of a page's width or height (thousandths) as an SVG percentage.
fn percent(thousandths: u16) -> String {
    format!("{}%", f64::from(thousandths) / 10.0)
}

/// The version's preview with its comments' pins; with JavaScript a click on a page places
/// the new comment's pin there.
#[component]
fn PinnedPreview(page: ProofPage) -> impl IntoView {
    let proof = page.file.id;
    let version = page.version;
    let name = page.file.name.to_string();
    let pins: Vec<(u32, u32, (u16, u16))> = page
        .comments
        .iter()
        .filter_map(|comment| Some((comment.number, comment.page?, comment.point?)))
        .collect();
    let placing = use_context::<PinPlacement>();
    match page.preview {
        Preview::Ready { views } => view! {
            <div class="preview-pages proof-pages" data-test="preview-ready">
                {(1..=views)
                    .map(|n| {
                        let alt = if views == 1 { name.clone() } else { format!("{name}, page {n} of {views}") };
                        // Pins are SVG shapes placed by their own attributes at percentages of
                        // the page: drawn by the server too, so they show without JavaScript,
                        // and no `style` attribute (the pages' policy refuses inline styles).
                        let page_pins = pins
                            .iter()
                            .filter(|(_, page, _)| *page == n)
                            .map(|(number, _, (x, y))| {
                                view! {
                                    <g class="pin" data-test="pin" aria-label=format!("Comment {number}")>
                                        <circle cx=percent(*x) cy=percent(*y) r="13" />
                                        <text x=percent(*x) y=percent(*y) text-anchor="middle" dominant-baseline="central">
                                            {number.to_string()}
                                        </text>
                                    </g>
                                }
                            })
                            .collect_view();
                        let place = move |event: leptos::ev::MouseEvent| {
                            if let Some(placing) = placing {
                                placing.place(n, &event);
                            }
                        };
                        let new_pin = move || {
                            placing.and_then(|placing| placing.point.get()).filter(|(page, _, _)| *page == n).map(|(_, x, y)| {
                                view! {
                                    <g class="pin new" data-test="new-pin">
                                        <circle cx=percent(x) cy=percent(y) r="13" />
                                        <text x=percent(x) y=percent(y) text-anchor="middle" dominant-baseline="central">"+"</text>
                                    </g>
                                }
                            })
                        };
                        view! {
                            <figure class="preview-page pinnable" data-page=n.to_string()>
                                <div class="pin-area">
                                    <img src=preview_href(proof, version, n) alt=alt loading="lazy" on:click=place />
                                    <svg class="pin-layer" role="presentation">{page_pins}{new_pin}</svg>
                                </div>
                                {(views > 1).then(|| view! { <figcaption>{format!("Page {n}")}</figcaption> })}
                            </figure>
                        }
                    })
                    .collect_view()}
            </div>
        }
        .into_any(),
        Preview::Pending => view! {
            <p class="preview-pending" role="status" data-test="preview-pending">
                <span class="spinner" aria-hidden="true"></span>
                "Making the preview… reload the page in a moment."
            </p>
        }
        .into_any(),
        Preview::None | Preview::Failed => view! {
            <p class="muted" data-test="preview-none">"No preview for this file: download it to review it."</p>
        }
        .into_any(),
    }
}

/// Where the next comment is pinned, chosen by clicking a page (JavaScript only).
#[derive(Clone, Copy)]
struct PinPlacement {
    point: RwSignal<Option<(u32, u16, u16)>>,
}

impl PinPlacement {
    /// Places the pin at the click on `page`.
    #[allow(unused_variables)]
    fn place(self, page: u32, event: &leptos::ev::MouseEvent) {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(target) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let (width, height) = (target.client_width(), target.client_height());
            if width <= 0 || height <= 0 {
                return;
            }
            let share = |offset: i32, size: i32| -> u16 {
                u16::try_from(
                    (i64::from(offset.clamp(0, size)) * 1000 / i64::from(size)).clamp(0, 1000),
                )
                .unwrap_or(0)
            };
            self.point.set(Some((
                page,
                share(event.offset_x(), width),
                share(event.offset_y(), height),
            )));
        }
    }
}

#[component]
fn CommentThread(page: ProofPage, actions: ProofActions) -> impl IntoView {
    let proof = page.file.id;
    let version = page.version;
    let may_resolve = page.may_resolve;
    let may_comment = page.may_comment;
    let comments = page.comments.clone();
    let empty = comments.is_empty();
    view! {
        <section class="comments" aria-labelledby="comments-heading" data-test="comments">
            <h2 id="comments-heading">"Comments"</h2>
            {empty.then(|| view! { <p class="muted" data-test="no-comments">"No comments on this version yet."</p> })}
            <ol class="comment-list">
                {comments
                    .into_iter()
                    .map(|comment| view! { <CommentItem proof version comment may_resolve may_comment actions /> })
                    .collect_view()}
            </ol>
            {may_comment.then(|| view! { <CommentForm proof version pages=page.pages actions /> })}
        </section>
    }
}

#[component]
fn CommentItem(
    proof: ItemId,
    version: u32,
    comment: CommentEntry,
    may_resolve: bool,
    may_comment: bool,
    actions: ProofActions,
) -> impl IntoView {
    let place = match (comment.page, comment.point) {
        (Some(page), Some(_)) => format!(" · pinned on page {page}"),
        (Some(page), None) => format!(" · page {page}"),
        _ => String::new(),
    };
    let class = if comment.resolved {
        "comment resolved"
    } else {
        "comment"
    };
    let id = comment.id.clone();
    let replies = comment
        .replies
        .iter()
        .map(|reply| {
            view! {
                <li class="comment reply" data-test="reply">
                    <p class="comment-meta">
                        <strong>{reply.author.clone()}</strong>
                        {format!(" ({}) · {}", reply.organization, format_unix_utc(reply.at.0))}
                    </p>
                    <p class="comment-body">{reply.body.clone()}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <li class=class data-test="comment">
            <p class="comment-meta">
                <span class="pin-number">{comment.number.to_string()}</span>
                " "
                <strong>{comment.author.clone()}</strong>
                {format!(" ({}) · {}{place}", comment.organization, format_unix_utc(comment.at.0))}
                {comment.resolved.then_some(" · resolved")}
            </p>
            <p class="comment-body" data-test="comment-body">{comment.body.clone()}</p>
            <ol class="replies">{replies}</ol>
            {may_resolve.then(|| {
                let id = id.clone();
                view! {
                    <ActionForm action=actions.resolve attr:class="inline-form">
                        <input type="hidden" name="proof" value=proof.to_string() />
                        <input type="hidden" name="comment" value=id />
                        {comment.resolved.then(|| view! { <input type="hidden" name="open" value="1" /> })}
                        <button type="submit" class="link-button">
                            {if comment.resolved { "Open again" } else { "Resolve" }}
                        </button>
                    </ActionForm>
                }
            })}
            {may_comment.then(|| view! {
                <details class="reply-form">
                    <summary>"Reply"</summary>
                    <ActionForm action=actions.comment>
                        <input type="hidden" name="proof" value=proof.to_string() />
                        <input type="hidden" name="version" value=version.to_string() />
                        <input type="hidden" name="reply_to" value=id.clone() />
                        <label class="visually-hidden" for=format!("reply-{id}")>"Your reply"</label>
                        <textarea id=format!("reply-{id}") name="text" rows="2" required maxlength="5000"></textarea>
                        <button type="submit" class="button secondary">"Reply"</button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}

#[component]
fn CommentForm(proof: ItemId, version: u32, pages: u32, actions: ProofActions) -> impl IntoView {
    let error = last_error(actions.comment);
    let placing = use_context::<PinPlacement>();
    let point = move || placing.and_then(|placing| placing.point.get());
    let x = move || point().map(|(_, x, _)| x.to_string()).unwrap_or_default();
    let y = move || point().map(|(_, _, y)| y.to_string()).unwrap_or_default();
    let chosen_page = move || point().map(|(page, _, _)| page);
    view! {
        <h3>"Add a comment"</h3>
        <ActionForm action=actions.comment attr:data-test="comment-form">
            <input type="hidden" name="proof" value=proof.to_string() />
            <input type="hidden" name="version" value=version.to_string() />
            <input type="hidden" name="x" prop:value=x />
            <input type="hidden" name="y" prop:value=y />
            <div class="field">
                <label for="comment-text">"Comment"</label>
                <textarea id="comment-text" name="text" rows="3" required maxlength="5000"></textarea>
                {field_error(error, "text")}
            </div>
            <div class="field">
                <label for="comment-page">"On page"</label>
                <select id="comment-page" name="page" on:change=move |event| {
                    // Another page, or none, than the pin's: the pin goes.
                    let chosen = event_target_value(&event).parse::<u32>().ok();
                    if let Some(placing) = placing.filter(|_| chosen != chosen_page()) {
                        placing.point.set(None);
                    }
                }>
                    <option value="">"The whole version"</option>
                    {(1..=pages)
                        .map(|n| {
                            view! {
                                <option value=n.to_string() prop:selected=move || chosen_page() == Some(n)>
                                    {format!("Page {n}")}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <p class="muted hint">
                    {move || match point() {
                        Some((page, _, _)) => format!("Pinned to the point you clicked on page {page}."),
                        None => "Click the preview to pin your comment to a point.".to_owned(),
                    }}
                </p>
                {field_error(error, "page")}
            </div>
            <button type="submit" class="button">"Comment"</button>
        </ActionForm>
        <FormError error />
    }
}

#[component]
fn ManagePanel(page: ProofPage, actions: ProofActions) -> impl IntoView {
    let proof = page.file.id;
    let add_error = last_error(actions.add);
    let lock_error = last_error(actions.lock);
    let deadline_error = last_error(actions.deadline);
    let candidates = page.candidates.clone();
    let has_candidates = !candidates.is_empty();
    view! {
        <section class="manage-proof" aria-labelledby="manage-heading" data-test="manage-proof">
            <h2 id="manage-heading">"Manage the review"</h2>
            <ActionForm action=actions.lock attr:class="inline-form">
                <input type="hidden" name="proof" value=proof.to_string() />
                <input type="hidden" name="lock" value=if page.locked { "unlock" } else { "lock" } />
                <button type="submit" class="button secondary" data-test="lock-button">
                    {if page.locked { "Unlock" } else { "Lock" }}
                </button>
            </ActionForm>
            <FormError error=lock_error />
            {has_candidates.then(|| view! {
                <details>
                    <summary>"Add reviewers"</summary>
                    <ActionForm action=actions.add attr:data-test="add-reviewers-form">
                        <input type="hidden" name="proof" value=proof.to_string() />
                        <ReviewerCheckboxes choices=candidates.clone() />
                        {field_error(add_error, "reviewers")}
                        <button type="submit" class="button">"Add"</button>
                    </ActionForm>
                    <FormError error=add_error />
                </details>
            })}
            <ActionForm action=actions.deadline attr:class="deadline-form">
                <input type="hidden" name="proof" value=proof.to_string() />
                <label for="proof-deadline">"Deadline (UTC; empty for none)"</label>
                <input id="proof-deadline" name="deadline" type="datetime-local" />
                <button type="submit" class="button secondary">"Set deadline"</button>
                {field_error(deadline_error, "deadline")}
            </ActionForm>
        </section>
    }
}

/// A list of proofs: name, organization, version, status, deadline.
#[component]
fn ProofTable(rows: Vec<ProofRow>, mine: bool) -> impl IntoView {
    view! {
        <table class="proofs-table" data-test="proofs-table">
            <thead>
                <tr>
                    <th scope="col">"Proof"</th>
                    <th scope="col">"From"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">{if mine { "My decision" } else { "Status" }}</th>
                    <th scope="col">"Deadline"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let badge = if mine {
                            let decision = row.my_decision.unwrap_or(Decision::Pending);
                            view! { <span class=decision_class(decision)>{decision.label()}</span> }.into_any()
                        } else {
                            view! { <span class=status_class(row.status)>{row.status.label()}</span> }.into_any()
                        };
                        view! {
                            <tr data-test="proof-row">
                                <td><A href=proof_href(row.id, None)>{row.name.clone()}</A>
                                    {row.locked.then_some(" (locked)")}</td>
                                <td>{row.owner.clone()}</td>
                                <td>{row.version.to_string()}</td>
                                <td>{badge}</td>
                                <td class=if row.overdue { "overdue" } else { "" }>
                                    {row.deadline.map(|deadline| format_unix_utc(deadline.0)).unwrap_or_default()}
                                    {row.overdue.then_some(" — overdue")}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// "My reviews": the proofs I review, pending first, overdue marked.
#[component]
pub fn MyReviewsPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| my_reviews());
    view! {
        <Title text="My reviews" />
        <section class="card" aria-labelledby="reviews-heading">
            <h1 id="reviews-heading">"My reviews"</h1>
            <Transition fallback=|| view! { <p>"Loading your reviews…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let rows = rows.await?;
                        Ok::<_, AppError>(if rows.is_empty() {
                            view! {
                                <p class="muted" data-test="no-reviews">
                                    "Nobody has asked you to review a proof. When someone names you as a reviewer, it appears here."
                                </p>
                            }
                                .into_any()
                        } else {
                            view! { <ProofTable rows mine=true /> }.into_any()
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The address of the owner's proofs list.
fn our_proofs_href(status: Option<&str>, partner: Option<&str>, after: Option<&str>) -> String {
    page_href(
        "/proofs",
        &[("status", status), ("partner", partner), ("after", after)],
    )
}

/// The owner's proofs, filterable by status and partner.
#[component]
pub fn OurProofsListPage() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| query.read().get("status"));
    let partner = Memo::new(move |_| query.read().get("partner"));
    let after = Memo::new(move |_| query.read().get("after"));
    let page = Resource::new(
        move || (status.get(), partner.get(), after.get()),
        |(status, partner, after)| our_proofs(status, partner, after),
    );
    view! {
        <Title text="Proofs" />
        <section class="card" aria-labelledby="proofs-heading">
            <h1 id="proofs-heading">"Our proofs"</h1>
            <Transition fallback=|| view! { <p>"Loading proofs…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        let page = page.await?;
                        Ok::<_, AppError>(view! { <OurProofsView page status=status.get_untracked() partner=partner.get_untracked() /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn OurProofsView(
    page: OurProofsPage,
    status: Option<String>,
    partner: Option<String>,
) -> impl IntoView {
    let status_links = std::iter::once((None, "All".to_owned()))
        .chain(
            OverallStatus::ALL
                .into_iter()
                .map(|status| (Some(status.as_str()), status.label().to_owned())),
        )
        .map(|(value, label)| {
            let current = value == status.as_deref();
            let href = our_proofs_href(value, partner.as_deref(), None);
            view! {
                <li>
                    <A href=href attr:aria-current=current.then_some("page")>{label}</A>
                </li>
            }
        })
        .collect_view();
    let partner_links = std::iter::once((None, "All partners".to_owned()))
        .chain(
            page.partners
                .iter()
                .map(|(id, name)| (Some(id.clone()), name.clone())),
        )
        .map(|(value, label)| {
            let current = value == partner;
            let href = our_proofs_href(status.as_deref(), value.as_deref(), None);
            view! {
                <li>
                    <A href=href attr:aria-current=current.then_some("page")>{label}</A>
                </li>
            }
        })
        .collect_view();
    let next = page
        .next
        .as_deref()
        .map(|token| our_proofs_href(status.as_deref(), partner.as_deref(), Some(token)));
    let empty = page.rows.is_empty();
    // A plain form (the browser posts it, with or without JavaScript): the server stores the
    // file in Documents and opens its page at "Send for review".
    let upload = page.upload_folder.map(|folder| {
        view! {
            <form
                class="upload-for-review"
                method="post"
                action="/documents/upload"
                enctype="multipart/form-data"
                data-test="upload-for-review"
            >
                <input type="hidden" name="folder" value=folder.to_string() />
                <input type="hidden" name="then" value="review" />
                <label for="review-file">"Upload a file for review (it goes into Documents)"</label>
                <input id="review-file" type="file" name="file" required />
                <button type="submit" class="button">"Upload and choose reviewers"</button>
            </form>
        }
    });
    view! {
        {upload}
        <nav aria-label="Status" class="filters"><ul data-test="status-filter">{status_links}</ul></nav>
        <nav aria-label="Partner" class="filters"><ul data-test="partner-filter">{partner_links}</ul></nav>
        {if empty {
            view! {
                <p class="muted" data-test="no-proofs">
                    "No proofs here. Open a file in "
                    <A href="/documents">"Documents"</A>
                    " and choose “Send for review”."
                </p>
            }
                .into_any()
        } else {
            view! { <ProofTable rows=page.rows mine=false /> }.into_any()
        }}
        {next.map(|href| view! { <p><A href=href>"Next page"</A></p> })}
    }
}

/// Provides where the next comment's pin goes, for the proof page's preview and form.
#[component]
pub fn ProofPageFrame() -> impl IntoView {
    provide_context(PinPlacement {
        point: RwSignal::new(None),
    });
    view! { <ProofReviewPage /> }
}
