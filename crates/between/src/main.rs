//! `between`: the web app, the JSON API and the CLI in one binary. This file
//! only parses arguments and maps errors to exit codes: 2 for bad input, 1
//! for failures of the system.

use std::process::ExitCode;

use between::cli;

fn main() -> ExitCode {
    let args = match cli::parse() {
        Ok(args) => args,
        Err(err) => {
            eprintln!("between: {}", err.message());
            return ExitCode::from(err.exit_code());
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("between: could not start: {err}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("between: {}", err.message());
            ExitCode::from(err.exit_code())
        }
    }
}
