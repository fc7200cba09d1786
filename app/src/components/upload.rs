//! The upload form of a folder or a file: a plain multipart form without JavaScript; with it,
//! several files at once or dropped on the form, each sent on its own with a progress bar, and
//! the page refreshed in place when each one is stored.

use leptos::prelude::*;

/// How one file's upload stands.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadState {
    /// Sending: bytes sent of the total.
    Sending {
        /// Bytes sent so far.
        sent: f64,
        /// The file's size.
        total: f64,
    },
    /// Stored.
    Done,
    /// Refused or failed, with the server's sentence.
    Failed(String),
}

/// One file of the uploads in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadRow {
    /// The file's name as the browser gives it.
    pub name: String,
    /// Where it stands.
    pub state: UploadState,
}

/// The uploads of a page and what they stored: owned by the page, so the progress rows stay
/// while the list the page shows is refreshed (which draws this form again).
#[derive(Debug, Clone, Copy)]
pub struct Uploads {
    /// The files being sent or sent, with where each stands.
    pub rows: RwSignal<Vec<UploadRow>>,
    /// How many files were stored, for the page's resources to follow.
    pub stored: RwSignal<usize>,
}

impl Uploads {
    /// No upload yet.
    pub fn new() -> Self {
        Self {
            rows: RwSignal::new(Vec::new()),
            stored: RwSignal::new(0),
        }
    }
}

impl Default for Uploads {
    fn default() -> Self {
        Self::new()
    }
}

/// The form: `field` is `folder` (new files there) or `replace` (a new version of that file);
/// `uploads` is the page's, which its resources follow.
#[component]
pub fn UploadForm(
    field: &'static str,
    target: String,
    label: &'static str,
    button: &'static str,
    multiple: bool,
    uploads: Uploads,
) -> impl IntoView {
    let Uploads { rows, stored } = uploads;
    let dragging = RwSignal::new(false);
    let input_id = format!("upload-{field}");
    #[cfg(feature = "hydrate")]
    let (on_submit, on_drop) = {
        let target_for_submit = target.clone();
        let target_for_drop = target.clone();
        let on_submit = move |event: leptos::ev::SubmitEvent| {
            use wasm_bindgen::JsCast as _;
            let Some(form) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let Some(input) = form
                .query_selector("input[type=file]")
                .ok()
                .flatten()
                .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(files) = input.files().filter(|files| files.length() > 0) else {
                return;
            };
            event.prevent_default();
            send_all(field, &target_for_submit, &files, rows, stored);
            input.set_value("");
        };
        let on_drop = move |event: leptos::ev::DragEvent| {
            event.prevent_default();
            dragging.set(false);
            if let Some(files) = event.data_transfer().and_then(|transfer| transfer.files()) {
                send_all(field, &target_for_drop, &files, rows, stored);
            }
        };
        (on_submit, on_drop)
    };
    // Without the browser build, the form posts and the page that answers shows the files.
    #[cfg(not(feature = "hydrate"))]
    let _ = stored;
    #[cfg(not(feature = "hydrate"))]
    let (on_submit, on_drop) = (
        |_: leptos::ev::SubmitEvent| {},
        |_: leptos::ev::DragEvent| {},
    );
    view! {
        <form
            class="upload-form"
            class:dragging=move || dragging.get()
            method="post"
            action="/documents/upload"
            enctype="multipart/form-data"
            data-test="upload-form"
            on:submit=on_submit
            on:dragover=move |event: leptos::ev::DragEvent| {
                event.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <input type="hidden" name=field value=target />
            <label for=input_id.clone()>{label}</label>
            <input id=input_id type="file" name="file" multiple=multiple required />
            <button type="submit" class="button">
                {button}
            </button>
            <span class="muted">"or drop files here"</span>
        </form>
        <ul class="upload-progress" aria-live="polite" data-test="upload-progress">
            <For
                each=move || rows.get().into_iter().enumerate()
                key=|(index, row)| (*index, format!("{:?}", row.state))
                children=|(_, row)| {
                    let (bar, text) = match &row.state {
                        UploadState::Sending { sent, total } => {
                            let percent = if *total > 0.0 { (sent / total * 100.0).round() } else { 0.0 };
                            (Some((*sent, *total)), format!("{percent}%"))
                        }
                        UploadState::Done => (Some((1.0, 1.0)), "Uploaded".to_owned()),
                        UploadState::Failed(reason) => (None, reason.clone()),
                    };
                    view! {
                        <li data-test="upload-row">
                            <span>{row.name.clone()}</span>
                            {bar.map(|(sent, total)| view! { <progress max=total value=sent></progress> })}
                            <span data-test="upload-state">{text}</span>
                        </li>
                    }
                }
            />
        </ul>
    }
}

/// Sends each file of `files` in its own request, updating its row as bytes go out.
#[cfg(feature = "hydrate")]
fn send_all(
    field: &'static str,
    target: &str,
    files: &web_sys::FileList,
    rows: RwSignal<Vec<UploadRow>>,
    stored: RwSignal<usize>,
) {
    for index in 0..files.length() {
        let Some(file) = files.get(index) else {
            continue;
        };
        let row = rows.with_untracked(Vec::len);
        rows.update(|rows| {
            rows.push(UploadRow {
                name: file.name(),
                state: UploadState::Sending {
                    sent: 0.0,
                    total: file.size(),
                },
            })
        });
        if let Err(reason) = send_one(field, target, &file, row, rows, stored) {
            set_state(rows, row, UploadState::Failed(reason));
        }
    }
}

#[cfg(feature = "hydrate")]
fn set_state(rows: RwSignal<Vec<UploadRow>>, row: usize, state: UploadState) {
    rows.update(|rows| {
        if let Some(row) = rows.get_mut(row) {
            row.state = state;
        }
    });
}

#[cfg(feature = "hydrate")]
fn send_one(
    field: &'static str,
    target: &str,
    file: &web_sys::File,
    row: usize,
    rows: RwSignal<Vec<UploadRow>>,
    stored: RwSignal<usize>,
) -> Result<(), String> {
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::closure::Closure;

    let failed = |_| "The upload could not start.".to_owned();
    let form = web_sys::FormData::new().map_err(failed)?;
    form.append_with_str(field, target).map_err(failed)?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(failed)?;
    let request = web_sys::XmlHttpRequest::new().map_err(failed)?;
    request.open("POST", "/documents/upload").map_err(failed)?;
    request
        .set_request_header("Accept", "application/json")
        .map_err(failed)?;
    let total = file.size();
    let on_progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            let total = if event.length_computable() {
                event.total()
            } else {
                total
            };
            set_state(
                rows,
                row,
                UploadState::Sending {
                    sent: event.loaded(),
                    total,
                },
            );
        });
    request
        .upload()
        .map_err(failed)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    let answered = request.clone();
    let on_done = Closure::<dyn FnMut()>::new(move || {
        let status = answered.status().unwrap_or(0);
        if status == 201 {
            set_state(rows, row, UploadState::Done);
            stored.update(|count| *count += 1);
        } else {
            let body = answered.response_text().ok().flatten().unwrap_or_default();
            let reason =
                error_sentence(&body).unwrap_or_else(|| format!("The upload failed ({status})."));
            set_state(rows, row, UploadState::Failed(reason));
        }
    });
    request.set_onloadend(Some(on_done.as_ref().unchecked_ref()));
    request
        .send_with_opt_form_data(Some(&form))
        .map_err(|_| "The upload could not be sent.".to_owned())?;
    // The request owns its handlers from now on; they live as long as the page.
    on_progress.forget();
    on_done.forget();
    Ok(())
}

/// The server's sentence in a JSON refusal (`{"error": "…"}`).
#[cfg(feature = "hydrate")]
fn error_sentence(body: &str) -> Option<String> {
    let start = body.find("\"error\"")?;
    let rest = &body[start + 7..];
    let rest = rest[rest.find('"')? + 1..].to_owned();
    let mut sentence = String::new();
    let mut escaped = false;
    for character in rest.chars() {
        match (escaped, character) {
            (true, other) => {
                sentence.push(other);
                escaped = false;
            }
            (false, '\\') => escaped = true,
            (false, '"') => return Some(sentence),
            (false, other) => sentence.push(other),
        }
    }
    None
}
