//! The `gonghui` command; everything it does is in the library.

// With glibc's allocator the memory of an indexing run kept growing (to 1.1 GB of heap on ten
// times the news corpus): the indexing threads free and take again blocks of ever other sizes,
// and glibc keeps what they free. mimalloc gives it back (the same run stays near 0.6 GB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gonghui::cli::run()
}
