//! Progress of a task: a bar (configs done / total) when stderr is a terminal, a log line
//! every so often otherwise (a service's journal wants lines, not redraws).

use std::io::{self, Write};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use uuid::Uuid;

/// Without a bar, progress is logged at most this often.
const LOG_EVERY: Duration = Duration::from_secs(15);

const BAR_TEMPLATE: &str =
    "{spinner} {msg} [{bar:32}] {pos}/{len} configs · {elapsed_precise} · eta {eta}";

/// The bar being drawn, if any, for [`BarAwareStderr`] to draw log lines above.
static ACTIVE_BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

fn active_bar() -> std::sync::MutexGuard<'static, Option<ProgressBar>> {
    ACTIVE_BAR.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) struct Progress {
    task: Uuid,
    total: u32,
    bar: Option<ProgressBar>,
    last_log: Instant,
}

impl Progress {
    pub(super) fn start(task: Uuid, total: u32, done: u32, interactive: bool) -> Self {
        let bar = interactive.then(|| {
            // Set up hidden, so the first frame already shows the resumed position.
            let bar = ProgressBar::hidden();
            bar.set_length(u64::from(total));
            if let Ok(style) = ProgressStyle::with_template(BAR_TEMPLATE) {
                bar.set_style(style.progress_chars("=> "));
            }
            let short: String = task.to_string().chars().take(8).collect();
            bar.set_message(format!("task {short}"));
            bar.set_position(u64::from(done));
            // Configs done by an earlier lease say nothing about this machine's speed.
            bar.reset_eta();
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(250));
            *active_bar() = Some(bar.clone());
            bar
        });
        Self {
            task,
            total,
            bar,
            last_log: Instant::now(),
        }
    }

    pub(super) fn set(&mut self, done: u32) {
        if let Some(bar) = &self.bar {
            bar.set_position(u64::from(done));
        } else if self.last_log.elapsed() >= LOG_EVERY {
            self.last_log = Instant::now();
            tracing::info!(task = %self.task, configs_done = done, total = self.total, "progress");
        }
    }

    pub(super) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
            *active_bar() = None;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// stderr for the log: while a bar is drawn, each log line is written above it instead of
/// through it. (The fmt layer writes one event per `write` call, so a line never splits.)
#[derive(Clone, Copy, Debug, Default)]
pub struct BarAwareStderr;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for BarAwareStderr {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        *self
    }
}

impl Write for BarAwareStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let bar = active_bar().clone();
        match bar {
            Some(bar) => bar.suspend(|| io::stderr().lock().write_all(buf))?,
            None => io::stderr().lock().write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}
