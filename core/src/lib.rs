//! Entente's rules: partnership state machine, validation and permissions.
//!
//! This crate is the one place where the product's rules live (SPEC sections 1, 2, 4 and 5).
//! It does no I/O, has no clock and generates no ids, so it compiles for the server and for the
//! browser (`wasm32-unknown-unknown`) alike: the browser calls it to show only the actions a row
//! offers and to check forms before sending them; the server calls the very same functions and
//! alone decides.
//!
//! # Map
//!
//! | module | what it holds |
//! |---|---|
//! | [`ids`] | `AccountId`, `UserId`, `PartnerRequestId`, `ContactId`, `Timestamp` |
//! | [`email`] | [`Email`]: trimmed, lowercased and well formed, or an [`email::EmailError`] |
//! | [`names`] | [`PersonName`], [`AccountName`] (1 to 100 characters, no control characters) |
//! | [`password`] | [`NewPassword`] (10 to 128 characters, not only spaces) |
//! | [`profile`] | [`Profile`], who may manage partners, and the profiles' powers over users ([`Profile::may`], one table, tested cell by cell in `profile::tests::the_powers_table_cell_by_cell`) |
//! | [`search`] | [`SearchText`]: what a search box accepts (at most 100 characters, no control characters) |
//! | [`sign_in`] | the failed sign-in throttle per address and per client ([`sign_in::check_sign_in_attempt`]) and safe return paths |
//! | [`partnership`] | the request record, [`partnership::send`], [`partnership::accept`], [`partnership::reject`], [`partnership::delete`], [`partnership::view`] |
//! | [`contacts`] | contact kinds and what partner sync does to a contact row |
//! | [`documents`] | folder and file names, the folder tree (no move into its own subtree), the trash, upload limits, previews, and the access decision ([`documents::decide`]) |
//! | [`users`] | an account never loses its last active Administrator ([`users::check_keeps_an_administrator`]) |
//! | [`proofs`] | SPEC 3.2: decisions, a version's overall status and its reason ([`proofs::overall`]), who may decide, comment, resolve, lock and add versions ([`proofs::decide_proof`]), who may be named as reviewer ([`proofs::check_reviewer`]) |
//!
//! # What each side sees (SPEC 4.2), decided by [`partnership::view`]
//!
//! A side that has deleted a request, and every side of an archived request, sees nothing.
//!
//! | status | sender sees | sender actions | recipient sees | recipient actions | proved by (`partnership::view::tests::…`) |
//! |---|---|---|---|---|---|
//! | Pending | Sent - Awaiting Approval | Delete | Received - Awaiting Your Approval | Accept, Reject and ignore, Delete | `pending_shows_sent_awaiting_approval_to_sender_with_delete`, `pending_shows_received_awaiting_your_approval_to_recipient_with_accept_reject_delete` |
//! | Accepted | Partner | Delete | Partner | Delete | `accepted_shows_partner_to_both_sides_with_delete` |
//! | Rejected | Rejected | Delete | Rejected | Accept, Delete | `rejected_shows_rejected_to_sender_with_delete_and_to_recipient_with_accept_and_delete` |
//! | deleted by a side | — | — | — | — | `a_side_that_deleted_a_request_does_not_see_it`, `an_account_not_party_to_a_request_sees_nothing` |
//! | every visible row | the other organization, the invited address, who sent it and when | | the same | | `both_sides_see_the_other_organization_the_address_who_sent_it_and_when` (the server turns the account into its name: `server/tests/it/partners_tab.rs`) |
//!
//! # Transitions (SPEC 4.3 and 4.4)
//!
//! Only an active Administrator or Billing Administrator of the acting side may act
//! (`non_admins_and_inactive_users_may_do_nothing`); a request the actor's account is not party
//! to, has deleted, or that is archived is refused exactly as an unknown id
//! (`a_request_this_account_cannot_see_is_not_found`). Test names below are in
//! `partnership::transitions::tests::{send, answer, delete}`.
//!
//! | transition | from | result | effects | proved by |
//! |---|---|---|---|---|
//! | send (admin of S to address E of R) | — | Pending | invitation email to E | `send_creates_a_pending_request_and_emails_an_invitation`, `send_allows_several_pending_requests_to_different_users_of_one_account` |
//! | send, refused | unknown or inactive address; own account; already partners; R has a pending request to S; open request from S to E | — | error pointing at the reason | `send_refuses_an_address_without_an_active_user`, `send_refuses_a_user_of_the_own_account`, `send_refuses_accounts_that_are_already_partners_in_either_direction`, `send_refuses_when_the_other_side_has_a_pending_request_to_us_and_points_to_it`, `send_refuses_a_second_pending_invitation_to_the_same_address`, `rejected_address_blocked_until_both_sides_delete` |
//! | accept (admin of R) | Pending, or Rejected not deleted by R | Accepted, shown to both again | other open requests between S and R archived; sync starts; acceptance email to the sending user | `accept_forms_a_partnership_starts_sync_and_emails_the_sending_user`, `accepting_a_rejected_request_shows_it_to_both_sides_again_even_if_the_sender_deleted_it`, `accept_archives_every_other_open_request_between_the_pair_in_both_directions`, `any_active_admin_of_the_recipient_may_accept_not_only_the_addressed_user`, `only_the_recipient_side_may_accept_or_reject`, `the_recipient_cannot_accept_or_reject_a_request_it_has_deleted`, `an_accepted_request_cannot_be_accepted_or_rejected_again` |
//! | reject and ignore (admin of R) | Pending | Rejected on both sides | rejection email to the sending user | `reject_and_ignore_shows_rejected_on_both_sides_and_emails_the_sending_user`, `reject_applies_only_to_pending_requests` |
//! | delete by S | Pending | archived (S may invite E again) | — | `sender_delete_of_pending_archives_it_for_both` |
//! | delete by S | Rejected | hidden for S; archived once R deleted too | — | `sender_delete_of_rejected_hides_it_for_the_sender_only` |
//! | delete by S | Accepted | partnership ends; archived | sync stops | `sender_delete_of_partner_ends_the_partnership_and_archives_it_for_both` |
//! | delete by R | Pending | hidden for R; Rejected for S (no email) | — | `recipient_delete_of_pending_shows_rejected_to_sender` |
//! | delete by R | Rejected | hidden for R; archived once S deleted too | — | `recipient_delete_of_rejected_hides_it_for_the_recipient_only` |
//! | delete by R | Accepted | partnership ends; hidden for R; Rejected for S, blocking E until S deletes | sync stops | `recipient_delete_of_partner_ends_it_and_shows_rejected_to_sender_until_sender_deletes` |
//! | 4.4: a rejection blocks E until both sides delete, in either order | | | | `reconciliation_recipient_deletes_first_then_sender`, `reconciliation_sender_deletes_first_then_recipient` |
//! | send, rate (not a SPEC rule: a limit against unwanted email, checked by the server before `send`) | 30 invitations by S in the last hour | — | `SendError::TooManyInvitations` | `partnership::rate::tests::an_organization_sends_at_most_thirty_invitations_an_hour` |
//! | send, verified (not a SPEC rule: against impersonation) | S, or R, has not confirmed its email address | — | `SendError::NotVerified`; an unverified R answers like an unknown address | `partnership::verified::tests::an_unverified_organization_cannot_invite`, `…::an_unverified_organization_cannot_be_invited_and_answers_like_an_unknown_address` |
//!
//! The model test `core/tests/model` (`partnership_rules_match_the_reference_model`) runs
//! 256 × 50 = 12,800 random steps against an independent reference model and checks after each
//! step: at most one partnership per pair of accounts; an archived request is visible nowhere
//! and blocks nothing; a rejected address stays blocked until both sides delete; a non-admin
//! never changes anything; the two sides' views never contradict each other; and an action is
//! allowed exactly when the view offers it. It also counts what the steps answered and fails
//! unless every transition succeeded and every refusal happened at least once in the run.
//!
//! Every refusal's `Display` is a sentence for a person
//! (`partnership::transitions::tests::every_refusal_reads_as_a_sentence`).
//!
//! # Contacts and partner sync (SPEC 2), decided by [`contacts`]
//!
//! | rule | proved by (`contacts::tests::…`) |
//! |---|---|
//! | each row has one kind, labelled User, Member or Contact; a member is never shown as a user | `kinds_have_labels_and_combine_without_duplicates` |
//! | a partnership adds every active user of each side; a hand-added contact with that address is upgraded, not duplicated | `partnership_formed_adds_active_users_and_upgrades_hand_added_contacts` |
//! | while it lasts, an added, renamed or deactivated user shows at once (deactivated: kept, inactive) | `changes_during_a_partnership_arrive_at_once` |
//! | when it ends, members stay, marked no longer synced; later users are not synced | `members_stay_after_the_partnership_ends_and_later_users_are_not_synced` |
//! | partnering again catches up | `partnering_again_catches_up` |
//! | a user reactivated while partners arrives again (a member catches up, a user never synced joins); after the end, nothing | `a_reactivated_user_arrives_again_while_partners_and_not_after` |
//! | a rename or deactivation leaves a hand-added contact as its owner typed it | `hand_added_contacts_ignore_renames_and_deactivations` |
//!
//! The server runs these as one storage operation per change, in the change's transaction, on
//! both engines (`server/tests/it/contacts/sync.rs`).

#![warn(missing_docs)]

pub mod contacts;
pub mod documents;
pub mod email;
pub mod ids;
pub mod names;
pub mod partnership;
pub mod password;
pub mod profile;
pub mod proofs;
pub mod search;
pub mod sign_in;
pub mod users;

pub use email::{Email, EmailError};
pub use ids::{
    AccountId, CommentId, ContactId, IdParseError, ItemId, PartnerRequestId, ShareId, Timestamp,
    UserId, VersionId,
};
pub use names::{AccountName, AccountNameError, PersonName, PersonNameError};
pub use password::{NewPassword, NewPasswordError};
pub use profile::{Profile, ProfileParseError, UserAction};
pub use search::{SearchError, SearchText};
pub use sign_in::TooManyFailedSignIns;
