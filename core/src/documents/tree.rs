//! The folder tree (SPEC 3.1): a folder never moves into its own subtree, the root never
//! moves, and a name taken in a folder gets a free variant for uploads and restores.

use serde::{Deserialize, Serialize};

use super::name::{ITEM_NAME_MAX_CHARS, ItemName};
use crate::ids::ItemId;

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum MoveError {
    /// The folder would become its own parent.
    #[error("A folder cannot be moved into itself.")]
    IntoItself,
    /// The target is inside the folder being moved.
    #[error("A folder cannot be moved into one of its own subfolders.")]
    IntoOwnSubtree,
    /// The account's root folder stays where it is.
    #[error("The Documents folder itself cannot be moved, renamed or deleted.")]
    Root,
}

/// A folder as a move needs it: its id, and its parent (`None` for the account's root).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderPlace {
    /// The folder.
    pub id: ItemId,
    /// Its parent; `None` for the root.
    pub parent: Option<ItemId>,
}

/// Decides whether `moved` may go into the folder whose ancestry is `target_ancestry`: the
/// target first, then its parent, up to the root (the server reads it in one query).
///
/// Moving a file needs no check here: a file has no subtree.
pub fn check_folder_move(moved: FolderPlace, target_ancestry: &[ItemId]) -> Result<(), MoveError> {
    if moved.parent.is_none() {
        return Err(MoveError::Root);
    }
    match target_ancestry
        .iter()
        .position(|&folder| folder == moved.id)
    {
        Some(0) => Err(MoveError::IntoItself),
        Some(_) => Err(MoveError::IntoOwnSubtree),
        None => Ok(()),
    }
}

/// The root may not be renamed or deleted either.
pub fn check_not_root(folder: FolderPlace) -> Result<(), MoveError> {
    match folder.parent {
        None => Err(MoveError::Root),
        Some(_) => Ok(()),
    }
}

/// `wanted` if no sibling has its key, else the first free of "Name (2).ext", "Name (3).ext"…
/// (`taken` says whether a sibling key is in use). Used for uploads and restores, which never
/// fail on a name; a typed name that is taken is refused instead.
pub fn free_name(wanted: &ItemName, taken: impl Fn(&str) -> bool) -> ItemName {
    if !taken(&wanted.sibling_key()) {
        return wanted.clone();
    }
    let text = wanted.as_str();
    let (stem, extension) = match wanted.extension() {
        Some(_) => {
            let (stem, extension) = text.rsplit_once('.').expect("a name with an extension");
            (stem, format!(".{extension}"))
        }
        None => (text, String::new()),
    };
    (2_u64..)
        .map(|number| {
            let suffix = format!(" ({number}){extension}");
            let room = ITEM_NAME_MAX_CHARS.saturating_sub(suffix.chars().count());
            let stem: String = stem.chars().take(room).collect();
            ItemName::parse(&format!("{}{suffix}", stem.trim_end())).expect("a valid variant")
        })
        .find(|candidate| !taken(&candidate.sibling_key()))
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use proptest::prelude::*;
    use uuid::Uuid;

    use super::*;

    fn folder(n: u128) -> ItemId {
        ItemId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn a_folder_never_moves_into_its_own_subtree_and_the_root_never_moves() {
        // root(1) ─ a(2) ─ b(3) ─ c(4);  root ─ d(5)
        let a = FolderPlace {
            id: folder(2),
            parent: Some(folder(1)),
        };
        let root = FolderPlace {
            id: folder(1),
            parent: None,
        };
        let ancestry_of_c = [folder(4), folder(3), folder(2), folder(1)];
        let ancestry_of_d = [folder(5), folder(1)];
        assert_eq!(
            check_folder_move(a, &[folder(2), folder(1)]),
            Err(MoveError::IntoItself)
        );
        assert_eq!(
            check_folder_move(a, &ancestry_of_c),
            Err(MoveError::IntoOwnSubtree)
        );
        assert_eq!(check_folder_move(a, &ancestry_of_d), Ok(()));
        assert_eq!(
            check_folder_move(a, &[folder(1)]),
            Ok(()),
            "back to where it is"
        );
        assert_eq!(
            check_folder_move(root, &ancestry_of_d),
            Err(MoveError::Root)
        );
        assert_eq!(check_not_root(root), Err(MoveError::Root));
        assert_eq!(check_not_root(a), Ok(()));
    }

    #[test]
    fn a_taken_name_gets_the_first_free_number_before_its_extension() {
        let name = |text: &str| ItemName::parse(text).unwrap();
        let taken: HashSet<String> = ["proof.pdf", "proof (2).pdf", "notes"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        let free = |text: &str| free_name(&name(text), |key| taken.contains(key)).to_string();
        assert_eq!(free("Brochure.pdf"), "Brochure.pdf");
        assert_eq!(free("Proof.PDF"), "Proof (3).PDF");
        assert_eq!(free("Notes"), "Notes (2)");
        let long = format!("{}.pdf", "p".repeat(196));
        let taken_long = |key: &str| key == long;
        let variant = free_name(&name(&long), taken_long);
        assert_eq!(variant.as_str().chars().count(), ITEM_NAME_MAX_CHARS);
        assert!(variant.as_str().ends_with(" (2).pdf"), "{variant}");
    }

    /// A random tree as a parent map: folder `n` (n ≥ 2) has a parent among `1..n`.
    fn tree() -> impl Strategy<Value = HashMap<u128, u128>> {
        proptest::collection::vec(any::<prop::sample::Index>(), 1..24).prop_map(|picks| {
            picks
                .iter()
                .enumerate()
                .map(|(index, pick)| {
                    let child = index as u128 + 2;
                    (child, pick.index(index + 1) as u128 + 1)
                })
                .collect()
        })
    }

    /// The folder and its ancestors up to the root; stops (longer than the tree) on a cycle.
    fn ancestry(parents: &HashMap<u128, u128>, mut folder_n: u128) -> Vec<ItemId> {
        let mut chain = vec![folder(folder_n)];
        while let Some(&parent) = parents.get(&folder_n) {
            chain.push(folder(parent));
            folder_n = parent;
            if chain.len() > parents.len() + 1 {
                break;
            }
        }
        chain
    }

    proptest! {
        /// Against a reference that walks down from the moved folder: a move is allowed
        /// exactly when the target is outside the moved folder's subtree, and every allowed
        /// move keeps the tree a tree (no folder becomes its own ancestor).
        #[test]
        fn moves_are_allowed_exactly_outside_the_moved_subtree(
            mut parents in tree(),
            moves in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..30),
        ) {
            let count = parents.len() as u128 + 1;
            for (pick_moved, pick_target) in moves {
                let moved = pick_moved.index(count as usize) as u128 + 1;
                let target = pick_target.index(count as usize) as u128 + 1;
                let place = FolderPlace { id: folder(moved), parent: parents.get(&moved).copied().map(folder) };
                let decided = check_folder_move(place, &ancestry(&parents, target));
                // The reference: the moved folder's subtree, found by walking down.
                let mut subtree = vec![moved];
                let mut index = 0;
                while index < subtree.len() {
                    let here = subtree[index];
                    subtree.extend(parents.iter().filter(|(_, parent)| **parent == here).map(|(child, _)| *child));
                    index += 1;
                }
                let expected = if moved == 1 {
                    Err(MoveError::Root)
                } else if target == moved {
                    Err(MoveError::IntoItself)
                } else if subtree.contains(&target) {
                    Err(MoveError::IntoOwnSubtree)
                } else {
                    Ok(())
                };
                prop_assert_eq!(decided, expected);
                if decided.is_ok() {
                    parents.insert(moved, target);
                    for folder_n in 2..=count {
                        prop_assert!(ancestry(&parents, folder_n).len() <= count as usize, "a cycle");
                    }
                }
            }
        }

        /// The free name is never taken and is a valid name.
        #[test]
        fn a_free_name_is_free_and_valid(stem in "[a-zA-Z ]{1,210}", taken_numbers in proptest::collection::hash_set(2_u64..12, 0..10)) {
            let wanted = ItemName::from_upload(&format!("{stem}.pdf"));
            let key = wanted.sibling_key();
            let taken = |candidate: &str| {
                candidate == key
                    || taken_numbers.iter().any(|number| candidate.ends_with(&format!(" ({number}).pdf")))
            };
            let free = free_name(&wanted, taken);
            prop_assert!(!taken(&free.sibling_key()));
            prop_assert_eq!(ItemName::parse(free.as_str()), Ok(free.clone()));
        }
    }
}
