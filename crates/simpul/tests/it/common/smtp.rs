//! A real SMTP server process on loopback for mail tests: Python's aiosmtpd (installed by
//! `.ci/run`), storing every message in a Maildir we read back.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpServer {
    pub port: u16,
    maildir: tempfile::TempDir,
    child: Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        let maildir = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd) is needed for mail tests");
        let deadline = Instant::now() + Duration::from_secs(15);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        SmtpServer {
            port,
            maildir,
            child,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn new_dir(&self) -> PathBuf {
        self.maildir.path().join("mail").join("new")
    }

    /// Wait for a delivered message containing `needle` (other people's mails may come first)
    /// and return its raw text.
    pub async fn wait_for_one_with(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self.wait_for(0, timeout).await;
            if let Some(m) = found.iter().find(|m| m.contains(needle)) {
                return m.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no mail with {needle:?} among {} delivered",
                found.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Wait for `n` delivered messages and return their raw text.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let mut found: Vec<String> = std::fs::read_dir(self.new_dir())
                .map(|d| {
                    d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                        .collect()
                })
                .unwrap_or_default();
            if found.len() >= n {
                found.sort();
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} mails, got {}",
                found.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
