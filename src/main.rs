//! The `motcua` binary: see `motcua --help`.

fn main() -> std::process::ExitCode {
    motcua::cli::main()
}
