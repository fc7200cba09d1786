//! Documents (SPEC 3.1): folder and file names, the folder tree, the trash, files as pages
//! show them, and the one access decision every read and write asks.
//!
//! | rule (SPEC 3.1) | where | proved by |
//! |---|---|---|
//! | names unique among siblings, case-insensitively | [`ItemName::sibling_key`] (and a unique index on the server) | `name::tests::sibling_names_are_compared_without_case_and_extensions_lowercased` |
//! | a name is a label, never a path | [`ItemName::parse`], [`ItemName::from_upload`] | `name::tests::typed_names_table`, `name::tests::uploaded_file_names_are_cleaned_never_refused`, `name::tests::every_uploaded_name_is_a_valid_name` |
//! | a folder cannot move into its own subtree | [`check_folder_move`] | `tree::tests::a_folder_never_moves_into_its_own_subtree_and_the_root_never_moves`, `tree::tests::moves_are_allowed_exactly_outside_the_moved_subtree` (against a reference walk) |
//! | uploads and restores never fail on a taken name | [`free_name`] | `tree::tests::a_taken_name_gets_the_first_free_number_before_its_extension`, `tree::tests::a_free_name_is_free_and_valid` |
//! | every profile but Reviewer works with its account's documents; trash gives no access but to restore | [`decide`] | `access::tests::the_access_table_cell_by_cell` (400 cells) |
//! | deleted items are restorable for 30 days, then purged | [`trash::is_due_for_purge`] | `trash::tests::deleted_items_are_purged_after_thirty_days_and_not_before` |
//! | uploads refused past a size limit with a clear message | [`check_upload_size`] | `files::tests::uploads_over_the_limit_are_refused_with_the_limit_in_words` |
//! | images and PDFs get previews | [`PreviewKind::for_content_type`] | `files::tests::images_and_pdfs_get_previews_other_files_do_not` |
//!
//! | rule (SPEC 3.3) | where | proved by |
//! |---|---|---|
//! | a share is with a partner account or one person, as Viewer or Reviewer, downloads on or off | [`ShareFact`], [`role`] | `access::tests::the_recipients_table_cell_by_cell` (2,560 cells) |
//! | sharing a folder shares everything in it, worked out from the ancestry when used | [`ItemFacts::shares`] (the server reads the ancestry's shares in one query) | `sharing::tests::who_sees_what_follows_the_spec_through_shares_moves_trash_and_partnerships` (model test) |
//! | several shares reaching one person: the highest role, downloads if any allows them | [`role`] | `access::tests::several_shares_reaching_one_viewer_give_the_highest_role_and_any_download` |
//! | who may share or revoke: Administrators, Billing Administrators, Managers any item; Standard users their own; Reviewers never; recipients never re-share | [`check_new_share`], [`check_revoke`] | `sharing::tests::making_a_share_needs_a_profile_that_may_share_a_live_item_and_a_current_partner`, `sharing::tests::recipients_never_re_share_and_strangers_find_nothing` |
//! | new shares need a current partnership | [`check_new_share`] | the same table, and the model test |
//! | after a partnership ends, shares stay; an account share covers exactly the members when it ended; revoking still works | [`access::reaches`], [`check_revoke`] | the model test, `sharing::tests::revoking_works_after_the_partnership_ended_and_in_the_trash` |
//! | shares of an item in the trash give no access | [`role`] | `access::tests::the_recipients_table_cell_by_cell`, the model test |
//! | a daily digest tells each person (setting off or daily) what was added to folders shared with them, once | [`digest::due`], [`digest::in_digest`] | `digest::tests::a_digest_lists_what_reaches_a_person_through_a_shared_folder_and_nothing_else`, `digest::tests::consecutive_runs_neither_miss_nor_repeat_an_addition` |

pub mod access;
pub mod audit;
pub mod digest;
pub mod files;
pub mod name;
pub mod sharing;
pub mod trash;
pub mod tree;

pub use access::{
    AccessError, DocumentAction, DocumentViewer, ItemFacts, Role, ShareFact, ShareRecipient,
    ShareRole, ShareRoleError, Standing, decide, role,
};
pub use files::{
    DEFAULT_MAX_UPLOAD_BYTES, ItemKind, PreviewKind, Sort, SortKey, UploadTooLarge,
    check_upload_size, human_size,
};
pub use name::{ITEM_NAME_MAX_CHARS, ItemName, ItemNameError};
pub use sharing::{NewShare, ShareError, check_new_share, check_revoke};
pub use tree::{FolderPlace, MoveError, check_folder_move, check_not_root, free_name};
