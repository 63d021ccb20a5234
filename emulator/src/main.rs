//! `workos-emulator`: serves the emulator on its own.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use workos_emulator::Seed;

#[derive(Debug, Parser)]
#[command(name = "workos-emulator", about = "An offline emulator of the WorkOS API, AuthKit and Widgets")]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "WORKOS_EMULATOR_ADDR", default_value = "127.0.0.1:4100")]
    addr: SocketAddr,
    /// TOML seed file; the bundled seed when absent.
    #[arg(long, env = "WORKOS_EMULATOR_SEED")]
    seed: Option<PathBuf>,
    /// A token every `/_emulator/*` request must carry (`X-Emulator-Control-Token`).
    #[arg(long, env = "WORKOS_EMULATOR_CONTROL_TOKEN", hide_env_values = true)]
    control_token: Option<String>,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args = Args::parse();
    let seed = match &args.seed {
        Some(path) => Seed::from_file(path),
        None => Ok(Seed::default_seed()),
    };
    let seed = match seed {
        Ok(seed) => seed,
        Err(e) => {
            eprintln!("workos-emulator: {e}");
            eprintln!("Fix the seed file, or leave out --seed / WORKOS_EMULATOR_SEED to use the bundled one.");
            std::process::exit(2);
        }
    };
    let running = match workos_emulator::spawn(seed, args.addr).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("workos-emulator: cannot listen on {}: {e}", args.addr);
            eprintln!("Choose another address with --addr or WORKOS_EMULATOR_ADDR.");
            std::process::exit(2);
        }
    };
    let emu = &running.emulator;
    emu.set_control_token(args.control_token.clone());
    println!("WorkOS emulator on {}", running.base_url());
    println!("  API key {}   client ID {}", emu.api_key(), emu.client_id());
    for u in emu.seed().users.iter() {
        println!("  user {:<24} password {}", u.email, u.password);
    }
    let _ = tokio::signal::ctrl_c().await;
    running.stop().await;
}
