//! The docs bundle: enhancements to the HTML the server rendered.

mod code_copy;
mod search_dialog;
mod toc;

/// Adds search, the table-of-contents highlight, copy buttons, the theme switch and
/// the account corner to the page.
pub fn enhance() {
    app::ui::enhance::enhance_static_page();
    code_copy::add_copy_buttons();
    toc::follow_reading_position();
    search_dialog::mount();
}
