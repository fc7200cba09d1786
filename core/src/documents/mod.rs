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

pub mod access;
pub mod audit;
pub mod files;
pub mod name;
pub mod trash;
pub mod tree;

pub use access::{AccessError, DocumentAction, DocumentViewer, ItemFacts, Role, decide, role};
pub use files::{
    DEFAULT_MAX_UPLOAD_BYTES, ItemKind, PreviewKind, Sort, SortKey, UploadTooLarge,
    check_upload_size, human_size,
};
pub use name::{ITEM_NAME_MAX_CHARS, ItemName, ItemNameError};
pub use tree::{FolderPlace, MoveError, check_folder_move, check_not_root, free_name};
