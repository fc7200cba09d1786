//! Links between the pages of a keyset-paged list, and the addresses they point to: plain
//! links, so paging works without JavaScript and a page can be shared.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::format::encode_query_value;

/// The address of a list page: `path`, then each parameter that has a non-empty value,
/// percent-encoded, in the order given.
pub fn page_href(path: &str, parameters: &[(&str, Option<&str>)]) -> String {
    let query: Vec<String> = parameters
        .iter()
        .filter_map(|(name, value)| {
            value
                .filter(|value| !value.is_empty())
                .map(|value| format!("{name}={}", encode_query_value(value)))
        })
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// The links between pages: back to the first page, and on to the next one; nothing when the
/// list fits on one page.
#[component]
pub fn Pager(
    /// What the navigation is named for assistive technology ("Contacts pages").
    label: &'static str,
    /// The first page's address, when this is not the first page.
    first_page: Option<String>,
    /// The next page's address, when there is one.
    next_page: Option<String>,
) -> impl IntoView {
    (first_page.is_some() || next_page.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label=label>
                {first_page.map(|href| view! { <A href=href>"First page"</A> })}
                {next_page.map(|href| view! { <A href=href>"Next page"</A> })}
            </nav>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_addresses_keep_only_given_parameters_encoded_in_order() {
        assert_eq!(
            page_href("/contacts", &[("after", None), ("q", Some(""))]),
            "/contacts"
        );
        assert_eq!(
            page_href(
                "/contacts",
                &[("after", Some("id~name é")), ("q", Some("a&b=c"))]
            ),
            "/contacts?after=id~name%20%C3%A9&q=a%26b%3Dc"
        );
    }
}
