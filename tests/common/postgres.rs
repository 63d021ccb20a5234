//! A PostgreSQL server of its own for a test, in a temporary folder on a free
//! port, stopped when the test ends. Debian's (`make test` installs the package).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A PostgreSQL server of its own, in a temporary folder.
pub struct Postgres {
    dir: PathBuf,
    bin: PathBuf,
    pub url: String,
    /// The server's options (port, socket folder), to start it again.
    options: String,
}

impl Postgres {
    pub fn start() -> Postgres {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("postgres").exists())
            .max()
            .expect("PostgreSQL's server is not installed: `make test` installs Debian's postgresql package");
        let dir = std::env::temp_dir().join(format!("orgdeck-pg-{}", ulid::Ulid::new()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut pg = Postgres { dir, bin, url: String::new(), options: String::new() };
        // PostgreSQL refuses to run as root: it runs as Debian's `postgres` user then.
        if pg.as_root() {
            pg.run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(&pg.dir));
        }
        let data = pg.dir.join("data");
        pg.run(pg.command("initdb").arg("-D").arg(&data).args(["-A", "trust", "-U", "orgdeck", "-E", "UTF8", "--no-sync"]));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", pg.dir.display());
        pg.options = options;
        pg.start_again();
        pg.url = format!("postgres://orgdeck@127.0.0.1:{port}/postgres");
        pg
    }

    pub fn start_again(&self) {
        let data = self.dir.join("data");
        self.run(self.command("pg_ctl").arg("-D").arg(&data).arg("-l").arg(self.dir.join("log")).args(["-o", &self.options, "-w", "start"]));
    }

    pub fn stop(&self) {
        let data = self.dir.join("data");
        self.run(self.command("pg_ctl").arg("-D").arg(&data).args(["-m", "fast", "-w", "stop"]));
    }

    fn as_root(&self) -> bool {
        Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    }

    fn run(&self, c: &mut Command) {
        let out = c.output().unwrap_or_else(|e| panic!("{c:?}: {e}"));
        assert!(out.status.success(), "{c:?}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self.command("pg_ctl").arg("-D").arg(&data).args(["-m", "immediate", "stop"]).output();
        let _ = std::fs::remove_dir_all(Path::new(&self.dir));
    }
}

