//! Keeps libvirt's blocking calls on one dedicated thread and gives each
//! scrape a deadline.
//!
//! A scrape asks the worker for a fresh collection and waits at most the
//! scrape timeout. Concurrent scrapes share one collection. When the worker
//! does not finish in time (libvirtd hung, a huge host), the scrape gets the
//! last good snapshot with every domain marked partial, and the late result
//! still becomes the next scrape's last good values.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::model::Snapshot;
use crate::poller::{Config, Poller};

/// What one scrape shows: a snapshot, and whether it is stale (the fresh
/// collection missed the deadline).
#[derive(Debug, Clone, Default)]
pub struct View {
    /// The snapshot.
    pub snap: Arc<Snapshot>,
    /// The snapshot is the last good one, not this scrape's.
    pub stale: bool,
}

struct State {
    requested: u64,
    completed: u64,
    deadline: Instant,
    latest: Arc<Snapshot>,
    stop: bool,
}

struct Inner {
    state: Mutex<State>,
    cv: Condvar,
    /// The view of the scrape in progress, shared by its collectors.
    scrape_view: Mutex<View>,
    timeout: Duration,
    groups: crate::poller::Groups,
}

/// Handle to the libvirt worker thread; stops it on drop.
pub struct Source {
    inner: Arc<Inner>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Source {
    /// Starts the worker thread (it connects on the first scrape).
    pub fn start(cfg: Config) -> std::io::Result<Source> {
        let inner = Arc::new(Inner {
            state: Mutex::new(State {
                requested: 0,
                completed: 0,
                deadline: Instant::now(),
                latest: Arc::new(Snapshot::default()),
                stop: false,
            }),
            cv: Condvar::new(),
            scrape_view: Mutex::new(View::default()),
            timeout: cfg.timeout,
            groups: cfg.groups,
        });
        let worker = inner.clone();
        std::thread::Builder::new()
            .name("libvirt-worker".into())
            .spawn(move || run(worker, Poller::new(cfg)))?;
        Ok(Source { inner })
    }

    /// Which optional parts are collected.
    pub fn groups(&self) -> crate::poller::Groups {
        self.inner.groups
    }

    /// Asks for a fresh collection and waits until it is done or the scrape
    /// timeout passes; the result is also what [`Source::current`] returns
    /// until the next refresh.
    pub fn refresh(&self) -> View {
        let deadline = Instant::now() + self.inner.timeout;
        let mut st = lock(&self.inner.state);
        st.requested += 1;
        let me = st.requested;
        st.deadline = deadline;
        self.inner.cv.notify_all();
        while st.completed < me {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            st = self
                .inner
                .cv
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        let view = View {
            snap: st.latest.clone(),
            stale: st.completed < me,
        };
        drop(st);
        if view.stale {
            tracing::warn!(
                timeout = ?self.inner.timeout,
                "libvirt did not answer before the scrape deadline; serving last good values"
            );
        }
        *lock(&self.inner.scrape_view) = view.clone();
        view
    }

    /// The view of the last [`Source::refresh`].
    pub fn current(&self) -> View {
        lock(&self.inner.scrape_view).clone()
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        lock(&self.inner.state).stop = true;
        self.inner.cv.notify_all();
    }
}

fn run(inner: Arc<Inner>, mut poller: Poller) {
    // Leave a little of the scrape's budget for encoding the answer.
    let margin = (inner.timeout / 20).min(Duration::from_millis(100));
    loop {
        let (target, deadline) = {
            let mut st = lock(&inner.state);
            while st.requested == st.completed && !st.stop {
                st = inner.cv.wait(st).unwrap_or_else(|e| e.into_inner());
            }
            if st.stop {
                return;
            }
            (st.requested, st.deadline)
        };
        let now = Instant::now();
        let deadline = if deadline > now + margin {
            deadline - margin
        } else {
            // Nobody waits for this round any more: give it a full budget
            // so that it refreshes the last good values.
            now + inner.timeout
        };
        let snap = Arc::new(poller.poll(deadline));
        let mut st = lock(&inner.state);
        st.completed = target;
        st.latest = snap;
        inner.cv.notify_all();
    }
}
