//! The `gonghui` command; everything it does is in the library.

fn main() -> std::process::ExitCode {
    gonghui::cli::run()
}
