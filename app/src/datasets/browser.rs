//! The browser's side of an upload: reading a file's opening bytes for the preview, and
//! sending the file with progress. `XMLHttpRequest` because `fetch` reports no upload
//! progress. Only the hydrated build has these.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

thread_local! {
    /// The file the person chose; kept here because browser objects cannot live in signals.
    static CHOSEN: RefCell<Option<web_sys::File>> = const { RefCell::new(None) };
}

/// The first file of a file input's change event, remembered for the upload.
pub fn choose(event: &web_sys::Event) -> Option<(String, f64)> {
    let input = event
        .target()?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?;
    let file = input.files()?.get(0)?;
    let chosen = (file.name(), file.size());
    CHOSEN.with(|slot| *slot.borrow_mut() = Some(file));
    Some(chosen)
}

/// Reads up to `limit` bytes from the start of the chosen file and hands them over.
pub fn read_head(limit: usize, done: impl FnOnce(Vec<u8>) + 'static) {
    let Some(file) = CHOSEN.with(|slot| slot.borrow().clone()) else {
        return;
    };
    #[allow(clippy::cast_precision_loss)]
    let end = (limit as f64).min(file.size());
    let Ok(head) = file.slice_with_f64_and_f64(0.0, end) else {
        return;
    };
    let Ok(reader) = web_sys::FileReader::new() else {
        return;
    };
    let reading = reader.clone();
    let on_load = Closure::once_into_js(move || {
        let bytes = reading
            .result()
            .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
            .unwrap_or_default();
        done(bytes);
    });
    reader.set_onload(Some(on_load.unchecked_ref()));
    let _ = reader.read_as_array_buffer(&head);
}

/// How an upload ended: the HTTP status and the body.
pub struct Finished {
    pub status: u16,
    pub body: String,
}

/// Sends the chosen file to `url`, reporting `(sent, total)` bytes as it goes.
pub fn upload(
    url: &str,
    progress: impl Fn(f64, f64) + 'static,
    done: impl FnOnce(Result<Finished, String>) + 'static,
) {
    let Some(file) = CHOSEN.with(|slot| slot.borrow().clone()) else {
        done(Err("Choose a file first.".to_owned()));
        return;
    };
    let Ok(request) = web_sys::XmlHttpRequest::new() else {
        done(Err("This browser cannot upload files.".to_owned()));
        return;
    };
    if request.open("POST", url).is_err() {
        done(Err("The upload could not start.".to_owned()));
        return;
    }
    let on_progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            if event.length_computable() {
                progress(event.loaded(), event.total());
            }
        });
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    // The request outlives this call; the closure lives as long as the page.
    on_progress.forget();
    let done = RefCell::new(Some(done));
    let finished = request.clone();
    let on_end = Closure::<dyn Fn()>::new(move || {
        let Some(done) = done.borrow_mut().take() else {
            return;
        };
        let status = finished.status().unwrap_or(0);
        if status == 0 {
            done(Err(
                "The connection broke off; nothing was stored. Try again.".to_owned(),
            ));
        } else {
            done(Ok(Finished {
                status,
                body: finished.response_text().ok().flatten().unwrap_or_default(),
            }));
        }
    });
    request.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    on_end.forget();
    let _ = request.set_request_header("Content-Type", "text/csv");
    if request.send_with_opt_blob(Some(&file)).is_err() {
        // onloadend still fires and reports the failure.
    }
}

/// Forgets the chosen file (after a successful upload).
pub fn forget() {
    CHOSEN.with(|slot| *slot.borrow_mut() = None);
}
