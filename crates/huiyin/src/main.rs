//! `huiyin`: the one binary. Parses the command line, opens the database named by its URL, and
//! hands over to the web shell or to the administrative commands.

mod cli;
mod demo;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Failure, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("HUIYIN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let log = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match cli.log_format {
        // One JSON object a line, for a log collector.
        cli::LogFormat::Json => log.json().init(),
        // Colour codes only for a person at a terminal: not in a file, a pipe or the journal.
        cli::LogFormat::Text => log.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).init(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误:无法启动运行时:{e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(run(cli));
    // A command's work is done (and written) when `run` returns. Dropping the runtime waits for every
    // task without end, and a database pool's background task can keep spinning after the pool is
    // gone: the command would never exit. Give the tasks a moment, then exit regardless.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("错误:{message}");
            ExitCode::FAILURE
        }
    }
}
