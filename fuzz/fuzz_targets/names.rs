//! Every name parser of entente-core on arbitrary text: no panic, an accepted name reads back
//! as itself, and an uploaded file's cleaned name is always one a person could have typed.
#![no_main]

use entente_core::documents::ItemName;
use entente_core::{AccountName, PersonName, SearchText};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(name) = ItemName::parse(text) {
        assert_eq!(ItemName::parse(name.as_str()).as_ref(), Ok(&name));
        assert!(!name.as_str().contains(['/', '\\']));
    }
    let uploaded = ItemName::from_upload(text);
    assert_eq!(ItemName::parse(uploaded.as_str()).as_ref(), Ok(&uploaded));
    if let Ok(name) = PersonName::parse(text) {
        assert_eq!(PersonName::parse(name.as_str()).as_ref(), Ok(&name));
    }
    if let Ok(name) = AccountName::parse(text) {
        assert_eq!(AccountName::parse(name.as_str()).as_ref(), Ok(&name));
    }
    if let Ok(search) = SearchText::parse(text) {
        assert!(!search.as_str().chars().any(char::is_control));
    }
});
