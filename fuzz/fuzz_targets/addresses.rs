//! Email addresses and sign-in return paths on arbitrary text: no panic, an accepted address
//! is normalized once and for all, and a return path never leaves the site.
#![no_main]

use entente_core::Email;
use entente_core::sign_in::local_return_path;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(email) = Email::parse(text) {
        assert_eq!(Email::parse(email.as_str()).as_ref(), Ok(&email));
        assert_eq!(email.as_str(), email.as_str().to_lowercase());
    }
    if let Some(path) = local_return_path(text) {
        assert!(path.starts_with('/') && !path.starts_with("//"));
        assert!(!path.contains('\\') && !path.chars().any(char::is_control));
    }
});
