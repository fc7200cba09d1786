//! What makes a password guessable: the checks behind [`super::NewPassword::check_guessable`].

use super::NewPasswordError;

/// The 30,000 most common passwords of at least four characters, lowercase and sorted
/// bytewise, one per line: the "passwords" frequency list that zxcvbn (MIT licence) ships,
/// drawn from leaked password sets.
const COMMON: &str = include_str!("common.txt");

/// The fewest characters a password built on a personal word must add to it.
const PERSONAL_REMAINDER: usize = 6;
/// Personal words shorter than this are too short to count ("Al", "Bo").
const PERSONAL_MIN_CHARS: usize = 4;
/// The fewest different characters a password must hold.
const MIN_DISTINCT: usize = 4;
/// The longest unit whose repetition makes a password ("abcabcabcabc").
const MAX_REPEATED_UNIT: usize = 5;

/// Runs the three checks in the order people can most easily act on.
pub(super) fn check(password: &str, personal: &[&str]) -> Result<(), NewPasswordError> {
    let lower = password.to_lowercase();
    if is_repetitive(&lower) {
        Err(NewPasswordError::Repetitive)
    } else if is_common(&lower) {
        Err(NewPasswordError::Common)
    } else if is_personal(&lower, personal) {
        Err(NewPasswordError::Personal)
    } else {
        Ok(())
    }
}

/// Fewer than four different characters, one short unit repeated, or a straight run of
/// codepoints up or down ("abcdefghij", "0987654321").
fn is_repetitive(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    let mut distinct = chars.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < MIN_DISTINCT {
        return true;
    }
    let repeated = (1..=MAX_REPEATED_UNIT.min(chars.len() / 2)).any(|unit| {
        chars
            .iter()
            .enumerate()
            .all(|(at, char)| *char == chars[at % unit])
    });
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|pair| i64::from(u32::from(pair[1])) - i64::from(u32::from(pair[0])))
        .collect();
    let straight = steps.iter().all(|step| *step == 1) || steps.iter().all(|step| *step == -1);
    repeated || straight
}

/// The password, or its core once digits and symbols around it are taken off (each way of
/// taking them off, so a common "%e2%82%ac" followed by "." is still found) and look-alike
/// digits read as letters, is on the common list.
fn is_common(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    let padding =
        |char: &char| char.is_ascii_digit() || char.is_ascii_punctuation() || char.is_whitespace();
    let before = chars.iter().take_while(|char| padding(char)).count();
    let after = chars.iter().rev().take_while(|char| padding(char)).count();
    (0..=before).any(|start| {
        (chars.len().saturating_sub(after).max(start)..=chars.len()).any(|end| {
            let core: String = chars[start..end].iter().collect();
            core.chars().count() >= 4
                && (on_common_list(&core)
                    || on_common_list(&unleet(&core, 'i'))
                    || on_common_list(&unleet(&core, 'l')))
        })
    })
}

/// Reads digits and symbols that stand in for letters as those letters; `one` is what `1`
/// reads as ("i" or "l").
fn unleet(text: &str, one: char) -> String {
    text.chars()
        .map(|char| match char {
            '0' => 'o',
            '1' | '!' | '|' => one,
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            '8' => 'b',
            '9' => 'g',
            other => other,
        })
        .collect()
}

/// Whether `candidate` is a line of [`COMMON`] (binary search over the sorted lines).
fn on_common_list(candidate: &str) -> bool {
    // The list is sorted bytewise, so a binary search over line starts finds an entry in
    // about 15 comparisons without building a set.
    let bytes = COMMON.as_bytes();
    let (mut low, mut high) = (0_usize, bytes.len());
    while low < high {
        let middle = low + (high - low) / 2;
        let start = COMMON[..middle]
            .rfind('\n')
            .map_or(0, |newline| newline + 1);
        let end = COMMON[start..]
            .find('\n')
            .map_or(bytes.len(), |newline| start + newline);
        let line = &COMMON[start..end];
        match line.cmp(candidate) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => low = end + 1,
            std::cmp::Ordering::Greater => high = start,
        }
    }
    false
}

/// The password holds one of the person's words (their email's local part or domain name,
/// their name, their organization's name, or a word of four letters or more of those) and
/// adds fewer than six letters or digits of its own.
fn is_personal(lower: &str, personal: &[&str]) -> bool {
    let password = fold(lower);
    personal
        .iter()
        .flat_map(|text| personal_words(text))
        .filter(|word| word.chars().count() >= PERSONAL_MIN_CHARS)
        .any(|word| {
            password.contains(&word)
                && password.chars().count() - word.chars().count() < PERSONAL_REMAINDER
        })
}

/// The words a personal text yields: the whole of it folded, each part of an email address,
/// and each word.
fn personal_words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut words = vec![fold(&lower)];
    let (local, domain) = lower.split_once('@').unwrap_or((&lower, ""));
    words.push(fold(local));
    words.extend(domain.split('.').next().map(fold));
    words.extend(
        lower
            .split(|char: char| !char.is_alphanumeric())
            .map(str::to_owned),
    );
    words
}

/// Letters and digits only.
fn fold(text: &str) -> String {
    text.chars().filter(|char| char.is_alphanumeric()).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const PERSONAL: [&str; 3] = [
        "maria.lopez@acme-print.example",
        "María López",
        "Acme Print",
    ];

    #[test]
    fn guessable_password_table() {
        let cases: &[(&str, Result<(), NewPasswordError>)] = &[
            ("correct horse battery", Ok(())),
            ("a brand new passphrase", Ok(())),
            ("entente-demo", Ok(())),
            ("Acme-Print-partner-portal", Ok(())),
            ("maria loves blue herons", Ok(())),
            ("Tr0ub4dor&3x", Ok(())),
            ("aaaaaaaaaa", Err(NewPasswordError::Repetitive)),
            ("ababababab", Err(NewPasswordError::Repetitive)),
            ("abcabcabcabc", Err(NewPasswordError::Repetitive)),
            ("abcdeabcdeabcde", Err(NewPasswordError::Repetitive)),
            ("1212121212", Err(NewPasswordError::Repetitive)),
            ("abcdefghijk", Err(NewPasswordError::Repetitive)),
            ("9876543210", Err(NewPasswordError::Repetitive)),
            ("password123", Err(NewPasswordError::Common)),
            ("Password2026!", Err(NewPasswordError::Common)),
            ("P@ssw0rd2026", Err(NewPasswordError::Common)),
            ("qwertyuiop", Err(NewPasswordError::Common)),
            ("1q2w3e4r5t", Err(NewPasswordError::Common)),
            ("!!Sunshine!!", Err(NewPasswordError::Common)),
            ("Dragon1234567", Err(NewPasswordError::Common)),
            ("l1verp00l99", Err(NewPasswordError::Common)),
            ("acmeprint2026", Err(NewPasswordError::Personal)),
            ("Acme Print 1!", Err(NewPasswordError::Personal)),
            ("maria.lopez1", Err(NewPasswordError::Personal)),
            ("lopez-2026-x", Err(NewPasswordError::Personal)),
            ("MaríaLópez99", Err(NewPasswordError::Personal)),
        ];
        for (password, expected) in cases {
            assert_eq!(check(password, &PERSONAL), *expected, "{password:?}");
        }
    }

    #[test]
    fn the_common_list_is_sorted_lowercase_and_found_end_to_end() {
        let lines: Vec<&str> = COMMON.lines().collect();
        assert_eq!(lines.len(), 30_000);
        assert!(
            lines.windows(2).all(|pair| pair[0] < pair[1]),
            "sorted bytewise, no repeats"
        );
        assert!(
            lines
                .iter()
                .all(|line| *line == line.to_lowercase() && line.len() >= 4)
        );
        for line in &lines {
            assert!(
                on_common_list(line),
                "{line:?} is on the list but not found"
            );
        }
        for absent in [
            "",
            "aaa",
            "zzzzzzzzzzzzzzzzzz",
            "correct horse battery",
            "!",
            "~~~~",
        ] {
            assert!(!on_common_list(absent), "{absent:?}");
        }
    }

    #[test]
    fn short_personal_words_do_not_count() {
        assert_eq!(
            check("al-ki-x7q-zz-bo", &["al@bo.example", "Al", "Ki"]),
            Ok(())
        );
    }

    proptest! {
        #[test]
        fn guessable_check_never_panics(password in any::<String>(), personal in any::<Vec<String>>()) {
            let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
            let _ = check(&password, &personal);
        }

        #[test]
        fn any_common_password_with_digits_around_it_is_refused(
            index in 0..30_000_usize,
            prefix in "[0-9!?.]{0,3}",
            suffix in "[0-9!?.]{0,4}",
        ) {
            let common = COMMON.lines().nth(index).unwrap();
            let password = format!("{prefix}{common}{suffix}");
            prop_assert!(check(&password, &[]).is_err(), "{password:?}");
        }
    }
}
