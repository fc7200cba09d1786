//! The Users page of Account settings (`/settings/users`): the account's users, adding one,
//! renaming, changing a profile, deactivating and reactivating.
//!
//! Administrators and Billing Administrators only: anyone else gets the refusal page (status
//! 403), and the server functions refuse them too. Every form is an `ActionForm`, so it posts
//! and comes back without JavaScript; with it, the list re-runs on each action's version.

use entente_core::names::NAME_MAX_CHARS;
use entente_core::{Profile, UserAction};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::users::{
    AccountUser, AddUser, ChangeUserProfile, DeactivateUser, ReactivateUser, RenameUser, list_users,
};
use crate::components::auth::use_auth;
use crate::components::form::{
    FormError, FormField, check_email, check_person_name, last_error, server_field_error,
};
use crate::components::gate::AccountSettingsGate;
use crate::error::AppError;

/// The Users page behind the Account settings gate.
///
/// The actions and the list resource are created here, once per render, outside the gate's
/// suspense (content built inside it may be built more than once).
#[component]
pub fn UsersPage() -> impl IntoView {
    let auth = use_auth();
    let add = ServerAction::<AddUser>::new();
    let row_actions = RowActions {
        rename: ServerAction::new(),
        change: ServerAction::new(),
        deactivate: ServerAction::new(),
        reactivate: ServerAction::new(),
    };
    let users = Resource::new(
        move || {
            (
                add.version().get(),
                row_actions.rename.version().get(),
                row_actions.change.version().get(),
                row_actions.deactivate.version().get(),
                row_actions.reactivate.version().get(),
            )
        },
        move |_| async move {
            auth.require(Profile::can_manage_users).await?;
            list_users().await
        },
    );
    view! {
        <Title text="Users" />
        <AccountSettingsGate title="Users" path="/settings/users">
            <UsersAdministration add row_actions users />
        </AccountSettingsGate>
    }
}

/// The list and the forms, for an administrator.
#[component]
fn UsersAdministration(
    add: ServerAction<AddUser>,
    row_actions: RowActions,
    users: Resource<Result<Vec<AccountUser>, AppError>>,
) -> impl IntoView {
    let RowActions {
        rename,
        change,
        deactivate,
        reactivate,
    } = row_actions;
    // The gate only shows this to a signed-in user, so the user is loaded by now; what each
    // row offers is core's powers table for their profile (the server checks it again).
    let viewer = use_auth()
        .user
        .get_untracked()
        .and_then(|user| user.ok().flatten())
        .map_or(Profile::Reviewer, |user| user.profile);

    view! {
        <section class="card" data-test="users">
            <h1>"Users"</h1>
            <p class="muted">"Account settings: the people of your organization and their profiles."</p>
            <FormError error=last_error(rename) />
            <FormError error=last_error(change) />
            <FormError error=last_error(deactivate) />
            <FormError error=last_error(reactivate) />
            <Transition fallback=|| view! { <p>"Loading the users…"</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(list) => view! { <UsersTable list row_actions viewer /> }.into_any(),
                        Err(error) => {
                            view! {
                                <p class="alert error" role="alert">
                                    {error.to_string()}
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
        <AddUserForm add viewer />
    }
}

/// The actions each row's forms post to.
#[derive(Clone, Copy)]
struct RowActions {
    rename: ServerAction<RenameUser>,
    change: ServerAction<ChangeUserProfile>,
    deactivate: ServerAction<DeactivateUser>,
    reactivate: ServerAction<ReactivateUser>,
}

/// The table of users, one row per user with the forms `viewer`'s profile may use on them.
#[component]
fn UsersTable(list: Vec<AccountUser>, row_actions: RowActions, viewer: Profile) -> impl IntoView {
    view! {
        <table class="users-list">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Profile"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|user| view! { <UserRow user row_actions viewer /> })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// One user: what they are, and the forms `viewer`'s profile may use to change them.
#[component]
fn UserRow(user: AccountUser, row_actions: RowActions, viewer: Profile) -> impl IntoView {
    let id = user.user_id.to_string();
    let select_id = format!("profile-{id}");
    let may_rename = viewer.may(UserAction::Rename(user.profile));
    let profiles: Vec<Profile> = Profile::ALL
        .into_iter()
        .filter(|to| {
            *to == user.profile
                || viewer.may(UserAction::ChangeProfile {
                    from: user.profile,
                    to: *to,
                })
        })
        .collect();
    let may_change_profile = profiles.len() > 1;
    let may_change_activity = if user.active {
        viewer.may(UserAction::Deactivate(user.profile))
    } else {
        viewer.may(UserAction::Reactivate(user.profile))
    };
    let status = match (user.active, user.has_password) {
        (false, _) => "Inactive",
        (true, true) => "Active",
        (true, false) => "Active (invited)",
    };
    let activity_id = id.clone();
    let activity_form = if !may_change_activity {
        ().into_any()
    } else if user.active {
        view! {
            <ActionForm action=row_actions.deactivate attr:class="inline-form">
                <input type="hidden" name="user_id" value=activity_id />
                <button type="submit" class="button secondary">
                    "Deactivate"
                </button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <ActionForm action=row_actions.reactivate attr:class="inline-form">
                <input type="hidden" name="user_id" value=activity_id />
                <button type="submit" class="button secondary">
                    "Reactivate"
                </button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <tr data-test="user-row" data-email=user.email.to_string()>
            <td>{user.name.to_string()}</td>
            <td>{user.email.to_string()}</td>
            <td data-test="user-profile">{user.profile.label()}</td>
            <td data-test="user-status">{status}</td>
            <td class="row-actions">
                {may_rename
                    .then(|| {
                        view! {
                            <RenameForm
                                user_id=id.clone()
                                name=user.name.to_string()
                                action=row_actions.rename
                            />
                        }
                    })}
                {may_change_profile
                    .then(|| {
                        view! {
                            <ActionForm action=row_actions.change attr:class="inline-form">
                                <input type="hidden" name="user_id" value=id.clone() />
                                <label for=select_id.clone() class="visually-hidden">
                                    {format!("Profile of {}", user.name)}
                                </label>
                                <ProfileSelect id=select_id.clone() options=profiles.clone() selected=user.profile />
                                <button type="submit" class="button secondary">
                                    "Change profile"
                                </button>
                            </ActionForm>
                        }
                    })}
                {activity_form}
                {(!may_rename && !may_change_profile && !may_change_activity)
                    .then(|| {
                        view! {
                            <span class="muted" data-test="user-locked">
                                "Only an Administrator can change this user."
                            </span>
                        }
                    })}
            </td>
        </tr>
    }
}

/// "Rename": a disclosure (no JavaScript needed) holding the name field, checked in the
/// browser by the same core parser the server uses.
#[component]
fn RenameForm(user_id: String, name: String, action: ServerAction<RenameUser>) -> impl IntoView {
    let field_id = format!("name-{user_id}");
    let input = NodeRef::<leptos::html::Input>::new();
    let disclosure = NodeRef::<leptos::html::Details>::new();
    // With JavaScript the row stays in place after a rename; fold the field away once saved.
    Effect::new(move |_| {
        let saved = action.value().with(|answer| matches!(answer, Some(Ok(_))));
        if saved && let Some(disclosure) = disclosure.get_untracked() {
            disclosure.set_open(false);
        }
    });
    let check = move |text: String| {
        if let Some(input) = input.get_untracked() {
            input.set_custom_validity(&check_person_name(&text).unwrap_or_default());
        }
    };
    view! {
        <details class="rename" node_ref=disclosure>
            <summary class="button secondary">"Rename"</summary>
            <ActionForm action attr:class="inline-form">
                <input type="hidden" name="user_id" value=user_id />
                <label for=field_id.clone() class="visually-hidden">
                    {format!("New name for {name}")}
                </label>
                <input
                    node_ref=input
                    id=field_id
                    name="name"
                    type="text"
                    autocomplete="off"
                    required
                    maxlength=NAME_MAX_CHARS
                    value=name
                    on:input=move |event| check(event_target_value(&event))
                />
                <button type="submit" class="button secondary">
                    "Save name"
                </button>
            </ActionForm>
        </details>
    }
}

/// A `<select name="profile">` offering `options`, `selected` chosen.
#[component]
fn ProfileSelect(id: String, options: Vec<Profile>, selected: Profile) -> impl IntoView {
    view! {
        <select id=id name="profile">
            {options
                .into_iter()
                .map(|profile| {
                    view! {
                        <option value=profile.as_str() selected=profile == selected>
                            {profile.label()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// Adds a user with a profile `viewer` may give; they receive an email with a link to set
/// their password.
#[component]
fn AddUserForm(add: ServerAction<AddUser>, viewer: Profile) -> impl IntoView {
    let error = last_error(add);
    let added = move || {
        add.value().with(|answer| match answer {
            Some(Ok(user)) => Some(format!(
                "{} was added. We emailed {} a link to set a password.",
                user.name, user.email
            )),
            _ => None,
        })
    };
    view! {
        <section class="card narrow">
            <h2>"Add a user"</h2>
            <ActionForm action=add attr:data-test="add-user-form">
                <FormField
                    id="add-user-name"
                    name="name"
                    label="Name"
                    input_type="text"
                    autocomplete="off"
                    check=check_person_name
                    server_error=server_field_error(error, "name")
                />
                <FormField
                    id="add-user-email"
                    name="email"
                    label="Email"
                    input_type="email"
                    autocomplete="off"
                    check=check_email
                    server_error=server_field_error(error, "email")
                />
                <div class="field">
                    <label for="add-user-profile">"Profile"</label>
                    <ProfileSelect
                        id="add-user-profile".to_string()
                        options=viewer.grantable()
                        selected=Profile::Standard
                    />
                    <p class="field-error" data-test="profile-error">
                        {move || server_field_error(error, "profile").get()}
                    </p>
                </div>
                <FormError error />
                {move || {
                    added()
                        .map(|message| {
                            view! {
                                <p class="alert success" role="status" data-test="user-added">
                                    {message}
                                </p>
                            }
                        })
                }}
                <button type="submit">"Add user"</button>
            </ActionForm>
        </section>
    }
}
