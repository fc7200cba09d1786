//! The confirmation before "Reject and ignore" or "Delete": what the change means for each
//! organization, phrased from `entente_core::partnership::preview`. The rules (who sees what
//! afterwards, whether the partnership ends, who is emailed, whether the address stays
//! blocked) are core's; this module only words them.

use crate::api::sharing::{StaysSharedLine, open_stays_shared};
use entente_core::partnership::{Action, Preview, RowLabel, Side, preview};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::partners::{ActOnPartnerRequest, PartnerRow, PartnersList};

/// A change that needs confirming first: which one, on which request (from
/// `?confirm=<action>&request=<id>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Confirming {
    pub(super) action: Action,
    pub(super) request_id: String,
}

impl Confirming {
    /// Reads `?confirm=<action>&request=<id>` (Accept is confirmed only when the organization
    /// looks like a partner's, but any action may be asked for).
    pub(super) fn from_query(confirm: Option<String>, request_id: Option<String>) -> Option<Self> {
        Some(Self {
            action: Action::parse(confirm.as_deref()?)?,
            request_id: request_id?,
        })
    }
}

/// What a confirmation says: the change, and what it means for each organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ConfirmationView {
    pub(super) action: Action,
    pub(super) request_id: String,
    pub(super) heading: String,
    pub(super) for_us: String,
    pub(super) for_them: String,
    /// The partner the requesting organization's name looks like, if it does.
    pub(super) looks_like: Option<String>,
    /// Who sent the request: the address to check against a look-alike.
    pub(super) sent_by_email: String,
    /// Whether the change ends a partnership (then it also shows what stays shared).
    pub(super) partnership_ends: bool,
}

impl ConfirmationView {
    /// The confirmation of `confirming`, if its request is listed and still offers the action
    /// (after the change, or if another administrator acted first, there is nothing to confirm).
    pub(super) fn build(list: &PartnersList, confirming: &Confirming) -> Option<Self> {
        let row = list
            .rows
            .iter()
            .find(|row| row.request.id().to_string() == confirming.request_id)?;
        let seen = preview(confirming.action, &row.request, list.viewer).ok()?;
        let (heading, for_us, for_them) = phrase(&seen, row);
        Some(Self {
            action: confirming.action,
            request_id: confirming.request_id.clone(),
            heading,
            for_us,
            for_them,
            looks_like: row.looks_like.clone(),
            sent_by_email: row.sent_by_email.clone(),
            partnership_ends: seen.partnership_ends,
        })
    }
}

/// The heading, then what the previewed change means for us and for them, in sentences.
fn phrase(seen: &Preview, row: &PartnerRow) -> (String, String, String) {
    let org = &row.other_organization;
    let email = row.request.recipient_email().as_str();
    (
        heading(seen, org, email),
        for_us(seen, email, org),
        for_them(seen, row, email),
    )
}

/// What the confirmation asks, by the row as the acting side sees it now.
fn heading(seen: &Preview, org: &str, email: &str) -> String {
    match (seen.action, seen.ours_before, seen.side) {
        (Action::Accept, _, _) => format!("Accept the request from {org}?"),
        (Action::RejectAndIgnore, _, _) => format!("Reject and ignore the request from {org}?"),
        (Action::Delete, RowLabel::SentAwaitingApproval, _) => {
            format!("Withdraw your invitation to {email}?")
        }
        (Action::Delete, RowLabel::ReceivedAwaitingYourApproval, _) => {
            format!("Delete the request from {org} without answering it?")
        }
        (Action::Delete, RowLabel::Partner, _) => format!("Delete your partner {org}?"),
        (Action::Delete, RowLabel::Rejected, Side::Sender) => {
            format!("Delete the rejected invitation to {email}?")
        }
        (Action::Delete, RowLabel::Rejected, Side::Recipient) => {
            format!("Delete the rejected request from {org}?")
        }
    }
}

/// What the change means for the acting organization.
fn for_us(seen: &Preview, email: &str, org: &str) -> String {
    let mut sentences = Vec::new();
    if seen.ours_after == Some(RowLabel::Partner) && !seen.partnership_ends {
        sentences.push(
            "Your organizations become partners: each sees the other's people as members in \
             Contacts, and you can share proofs, files and folders."
                .to_owned(),
        );
        return sentences.join(" ");
    }
    if seen.partnership_ends {
        sentences.push(
            "The partnership ends and disappears from your Partners tab. Their people stay in \
             your Contacts as members, no longer synced, and people they add later will not \
             appear. Items already shared stay shared."
                .to_owned(),
        );
    } else {
        match seen.ours_after {
            None => sentences.push("It disappears from your Partners tab.".to_owned()),
            Some(label) => sentences.push(format!(
                "It shows as {} in your Partners tab.",
                label.text()
            )),
        }
    }
    if seen.we_can_accept_after {
        sentences.push("You can still accept it later.".to_owned());
    } else if seen.side == Side::Recipient && seen.ours_before == RowLabel::Rejected {
        sentences.push("You can no longer accept it.".to_owned());
    }
    if seen.side == Side::Sender {
        sentences.push(if seen.address_blocked {
            format!("You can invite {email} again once {org} has deleted it too.")
        } else {
            format!("You can invite {email} again.")
        });
    }
    sentences.join(" ")
}

/// What the change means for the other organization.
fn for_them(seen: &Preview, row: &PartnerRow, email: &str) -> String {
    let org = &row.other_organization;
    if seen.theirs_after == Some(RowLabel::Partner) && !seen.partnership_ends {
        return format!(
            "{org} sees it as Partner and {} gets an email saying so.",
            row.sent_by
        );
    }
    // They sent the request, and it stays open for them: what it takes to invite again.
    let they_wait = seen.side.other() == Side::Sender && seen.address_blocked;
    let mut sentences = vec![match (seen.theirs_before, seen.theirs_after) {
        (None, _) => format!("{org} has already deleted it."),
        (Some(_), None) => format!("It disappears from {org}'s Partners tab too."),
        (Some(before), Some(after)) if before == after => {
            format!(
                "{org} still sees it as {} until they delete it.",
                after.text()
            )
        }
        (Some(_), Some(after)) if seen.sender_emailed => format!(
            "{org} sees it as {} and {} gets an email saying so.",
            after.text(),
            row.sent_by
        ),
        (Some(_), Some(after)) if they_wait => format!(
            "{org} sees it as {}, without an email, until they delete it too.",
            after.text()
        ),
        (Some(_), Some(after)) => format!("{org} sees it as {}, without an email.", after.text()),
    }];
    if they_wait && seen.theirs_after.is_some() {
        sentences.push(if seen.ours_after.is_some() {
            format!(
                "They cannot invite {email} again until both organizations have deleted the \
                 request."
            )
        } else {
            format!("They can invite {email} again only once they have deleted it.")
        });
    } else if seen.side.other() == Side::Sender && seen.theirs_before.is_none() {
        sentences.push(format!("They can invite {email} again."));
    }
    if seen.partnership_ends && !seen.address_blocked {
        sentences.push("Either organization can invite the other again.".to_owned());
    }
    sentences.join(" ")
}

/// The confirmation panel with the final button, and Cancel back to the list.
#[component]
pub(super) fn Confirmation(
    confirm: ConfirmationView,
    act: ServerAction<ActOnPartnerRequest>,
    /// Where Cancel goes: the page of the list the confirmation was asked from.
    back: String,
) -> impl IntoView {
    let label = confirm.action.label();
    view! {
        <section
            class="confirmation"
            role="region"
            aria-labelledby="confirmation-heading"
            data-test="confirmation"
        >
            <h2 id="confirmation-heading">{confirm.heading}</h2>
            {confirm
                .looks_like
                .clone()
                .map(|partner| {
                    view! {
                        <p class="alert notice" data-test="confirmation-look-alike">
                            <strong>"Careful: "</strong>
                            {format!(
                                "this organization's name looks like your partner {partner}'s. \
                                 Accept only if {} belongs to the organization you know; if it \
                                 does not, reject it.",
                                confirm.sent_by_email,
                            )}
                        </p>
                    }
                })}
            <p>
                <strong>"For your organization: "</strong>
                {confirm.for_us}
            </p>
            <p>
                <strong>"For them: "</strong>
                {confirm.for_them}
            </p>
            {confirm
                .partnership_ends
                .then(|| view! { <StaysSharedPanel request=confirm.request_id.clone() /> })}
            <div class="form-actions">
                <ActionForm action=act attr:class="inline-form">
                    <input type="hidden" name="action" value=confirm.action.as_str() />
                    <input type="hidden" name="request_id" value=confirm.request_id.clone() />
                    <button type="submit" class="button danger">
                        {label}
                    </button>
                </ActionForm>
                <A href=back attr:class="button secondary">
                    "Cancel"
                </A>
            </div>
        </section>
    }
}

/// What stays shared in each direction after the partnership ends, counted and listed.
#[component]
fn StaysSharedPanel(request: String) -> impl IntoView {
    let shared = Resource::new(move || request.clone(), open_stays_shared);
    view! {
        <Transition fallback=|| view! { <p>"Reading what is shared…"</p> }>
            {move || Suspend::new(async move {
                shared
                    .await
                    .ok()
                    .map(|shared| {
                        let other = shared.other.clone();
                        view! {
                            <div class="stays-shared" data-test="stays-shared">
                                <StaysSharedList
                                    heading=format!("Stays shared by your organization with {other}")
                                    lines=shared.ours
                                    total=shared.ours_total
                                />
                                <StaysSharedList
                                    heading=format!("Stays shared by {other} with your organization")
                                    lines=shared.theirs
                                    total=shared.theirs_total
                                />
                                <p class="muted">
                                    "Shares stay after a partnership ends, for the people who were members then; you can still revoke yours under Shared by us. Nothing new can be shared until you partner again."
                                </p>
                            </div>
                        }
                    })
            })}
        </Transition>
    }
}

#[component]
fn StaysSharedList(heading: String, lines: Vec<StaysSharedLine>, total: u64) -> impl IntoView {
    let count = match total {
        0 => "nothing".to_owned(),
        1 => "1 item".to_owned(),
        n => format!("{n} items"),
    };
    let more = (total > lines.len() as u64).then(|| {
        view! { <li class="muted">{format!("and {} more", total - lines.len() as u64)}</li> }
    });
    view! {
        <h3>{format!("{heading}: {count}")}</h3>
        {(!lines.is_empty())
            .then(|| {
                view! {
                    <ul>
                        {lines
                            .into_iter()
                            .map(|line| {
                                let icon = match line.kind {
                                    entente_core::documents::ItemKind::Folder => "📁",
                                    entente_core::documents::ItemKind::File => "📄",
                                };
                                view! {
                                    <li>
                                        <span aria-hidden="true">{icon}</span>
                                        {format!(" {} — with {} as {}", line.name, line.with, line.role.label())}
                                    </li>
                                }
                            })
                            .collect_view()}
                        {more}
                    </ul>
                }
            })}
    }
}

#[cfg(test)]
mod tests {
    //! Every confirmation a row can ask for, phrased: the words the help pages and the
    //! browser tests rely on, for each action, side and state.

    use entente_core::partnership::{
        Actor, PartnerRequest, RecipientLookup, accept, delete, reject, send,
    };
    use entente_core::{Email, PartnerRequestId, Profile, Timestamp, UserId};

    use entente_core::AccountId;

    use super::*;

    const S: u128 = 5;
    const R: u128 = 7;

    fn account(n: u128) -> AccountId {
        AccountId::from_uuid(uuid_of(n))
    }

    fn uuid_of(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    fn admin(n: u128) -> Actor {
        Actor {
            account: account(n),
            user: UserId::from_uuid(uuid_of(n * 100)),
            profile: Profile::Administrator,
            active: true,
        }
    }

    fn pending() -> PartnerRequest {
        let email = Email::parse("bob@globex.example").expect("an address");
        let recipient = RecipientLookup::Found {
            account: account(R),
            active: true,
            verified: true,
        };
        let id = PartnerRequestId::from_uuid(uuid_of(1));
        send(&admin(S), &email, recipient, &[], id, Timestamp(1))
            .expect("send")
            .request
    }

    fn confirm(request: PartnerRequest, viewer: u128, action: Action) -> (String, String, String) {
        let other = if viewer == S { "Globex" } else { "Acme" };
        let list = PartnersList {
            viewer: account(viewer),
            rows: vec![PartnerRow {
                request,
                other_organization: other.to_owned(),
                other_domain: None,
                sent_by: "Ada".to_owned(),
                sent_by_email: "ada@acme.example".to_owned(),
                looks_like: None,
            }],
            matched: 1,
            count_limit: 1000,
            next: None,
        };
        let confirming = Confirming {
            action,
            request_id: list.rows[0].request.id().to_string(),
        };
        let view = ConfirmationView::build(&list, &confirming).expect("a confirmation");
        (view.heading, view.for_us, view.for_them)
    }

    fn rejected() -> PartnerRequest {
        reject(&admin(R), &pending(), Timestamp(2))
            .expect("reject")
            .request
    }

    fn accepted() -> PartnerRequest {
        accept(&admin(R), &pending(), &[], Timestamp(2))
            .expect("accept")
            .request
    }

    #[test]
    fn reject_and_ignore_tells_the_sender_is_emailed_and_blocked() {
        let (heading, us, them) = confirm(pending(), R, Action::RejectAndIgnore);
        assert_eq!(heading, "Reject and ignore the request from Acme?");
        assert_eq!(
            us,
            "It shows as Rejected in your Partners tab. You can still accept it later."
        );
        assert!(
            them.starts_with("Acme sees it as Rejected and Ada gets an email saying so."),
            "{them}"
        );
        assert!(
            them.ends_with(
                "They cannot invite bob@globex.example again until both organizations have \
                 deleted the request."
            ),
            "{them}"
        );
    }

    #[test]
    fn accepting_says_what_a_partnership_means_and_warns_about_a_look_alike() {
        let (heading, us, them) = confirm(pending(), R, Action::Accept);
        assert_eq!(heading, "Accept the request from Acme?");
        assert!(us.starts_with("Your organizations become partners"), "{us}");
        assert_eq!(
            them,
            "Acme sees it as Partner and Ada gets an email saying so."
        );
    }

    #[test]
    fn withdrawing_an_invitation_frees_the_address() {
        let (heading, us, them) = confirm(pending(), S, Action::Delete);
        assert_eq!(heading, "Withdraw your invitation to bob@globex.example?");
        assert_eq!(
            us,
            "It disappears from your Partners tab. You can invite bob@globex.example again."
        );
        assert_eq!(them, "It disappears from Globex's Partners tab too.");
    }

    #[test]
    fn deleting_a_received_request_shows_rejected_to_the_sender_without_email() {
        let (heading, _, them) = confirm(pending(), R, Action::Delete);
        assert_eq!(
            heading,
            "Delete the request from Acme without answering it?"
        );
        assert_eq!(
            them,
            "Acme sees it as Rejected, without an email, until they delete it too. They can \
             invite bob@globex.example again only once they have deleted it."
        );
    }

    #[test]
    fn deleting_a_partner_ends_it_and_says_who_may_invite_again() {
        let (heading, us, them) = confirm(accepted(), S, Action::Delete);
        assert_eq!(heading, "Delete your partner Globex?");
        assert!(us.starts_with("The partnership ends"), "{us}");
        assert!(us.contains("Items already shared stay shared."), "{us}");
        assert!(
            them.contains("Either organization can invite the other again."),
            "{them}"
        );
        let (_, _, them) = confirm(accepted(), R, Action::Delete);
        assert!(
            them.starts_with(
                "Acme sees it as Rejected, without an email, until they delete it too."
            ),
            "{them}"
        );
    }

    #[test]
    fn deleting_a_rejection_says_who_still_sees_it() {
        let (heading, us, them) = confirm(rejected(), S, Action::Delete);
        assert_eq!(
            heading,
            "Delete the rejected invitation to bob@globex.example?"
        );
        assert!(
            us.ends_with("You can invite bob@globex.example again once Globex has deleted it too."),
            "{us}"
        );
        assert_eq!(
            them,
            "Globex still sees it as Rejected until they delete it."
        );
        let recipient_first = delete(&admin(R), &rejected(), Timestamp(3))
            .expect("delete")
            .request;
        let (_, us, them) = confirm(recipient_first, S, Action::Delete);
        assert!(
            us.ends_with("You can invite bob@globex.example again."),
            "{us}"
        );
        assert_eq!(them, "Globex has already deleted it.");
        let (heading, us, them) = confirm(rejected(), R, Action::Delete);
        assert_eq!(heading, "Delete the rejected request from Acme?");
        assert!(us.contains("You can no longer accept it."), "{us}");
        assert!(
            them.starts_with("Acme still sees it as Rejected until they delete it."),
            "{them}"
        );
    }
}
