//! One replica's hub of live events. Events are numbered in the order they reach the hub;
//! an id is `{epoch}-{seq}`, the epoch chosen at random when the process starts, so an id
//! from another replica or an earlier run is recognised as foreign and answered with a
//! resync instead of a wrong replay.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use app_model::live::Change;
use tokio::sync::broadcast;

/// How many recent events a reconnecting stream can be caught up on.
pub const REMEMBERED: usize = 4_096;

/// How many messages a stream may fall behind before it is told to resync.
const BACKLOG: usize = 1_024;

/// An event's place in one hub's sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventId {
    pub epoch: u64,
    pub seq: u64,
}

impl fmt::Display for EventId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:x}-{}", self.epoch, self.seq)
    }
}

impl EventId {
    /// Reads an id as [`fmt::Display`] writes it.
    pub fn parse(text: &str) -> Option<Self> {
        let (epoch, seq) = text.trim().split_once('-')?;
        Some(Self {
            epoch: u64::from_str_radix(epoch, 16).ok()?,
            seq: seq.parse().ok()?,
        })
    }
}

/// A change, numbered, with whose it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    pub owner_id: String,
    pub change: Change,
}

/// What a stream receives.
#[derive(Clone, Debug)]
pub enum Message {
    Event(Arc<Event>),
    /// Events may have been missed (the hub lost contact with the other replicas):
    /// fetch everything again.
    Resync,
    /// The server is shutting down: streams end so in-flight requests can drain, and
    /// browsers reconnect (to another replica).
    Closing,
}

/// Whose events a stream carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One user's own objects.
    Owner(String),
    /// Everyone's: the admin host, for administrators.
    Everything,
}

impl Scope {
    pub fn sees(&self, event: &Event) -> bool {
        match self {
            Self::Owner(user_id) => *user_id == event.owner_id,
            Self::Everything => true,
        }
    }
}

/// A new stream: the events it missed since the id it resumed from (already scoped),
/// whether it must resync instead, and the receiver of everything after.
#[derive(Debug)]
pub struct Subscription {
    pub missed: Vec<Arc<Event>>,
    pub resync: bool,
    pub receiver: broadcast::Receiver<Message>,
    /// Counts the stream as open until dropped.
    pub guard: StreamGuard,
}

/// Held by an open stream; the hub counts them.
#[derive(Debug)]
pub struct StreamGuard(Arc<AtomicUsize>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[derive(Debug)]
struct Ring {
    /// The sequence number the next event gets; numbering starts at 1, so 0 means
    /// "before anything".
    next_seq: u64,
    events: VecDeque<Arc<Event>>,
    /// Streams resuming from before this sequence number may have missed events.
    continuous_since: u64,
}

#[derive(Debug)]
pub struct LiveHub {
    epoch: u64,
    ring: Mutex<Ring>,
    sender: broadcast::Sender<Message>,
    open_streams: Arc<AtomicUsize>,
    /// Whether the hub hears every replica's announcements (see `publish`).
    listening: AtomicBool,
}

impl Default for LiveHub {
    fn default() -> Self {
        Self::new()
    }
}

impl LiveHub {
    pub fn new() -> Self {
        Self::with_epoch(rand::random::<u64>() >> 1)
    }

    fn with_epoch(epoch: u64) -> Self {
        let (sender, _) = broadcast::channel(BACKLOG);
        Self {
            epoch,
            ring: Mutex::new(Ring {
                next_seq: 1,
                events: VecDeque::with_capacity(REMEMBERED),
                continuous_since: 0,
            }),
            sender,
            open_streams: Arc::new(AtomicUsize::new(0)),
            listening: AtomicBool::new(false),
        }
    }

    fn ring(&self) -> std::sync::MutexGuard<'_, Ring> {
        // The ring is only ever left consistent: a panic elsewhere cannot poison meaning.
        self.ring
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Numbers a change, remembers it and sends it to the open streams.
    pub fn deliver(&self, owner_id: &str, change: Change) -> EventId {
        let mut ring = self.ring();
        let id = EventId {
            epoch: self.epoch,
            seq: ring.next_seq,
        };
        ring.next_seq += 1;
        let event = Arc::new(Event {
            id,
            owner_id: owner_id.to_owned(),
            change,
        });
        if ring.events.len() == REMEMBERED {
            ring.events.pop_front();
        }
        ring.events.push_back(Arc::clone(&event));
        // Sent under the lock, so a stream subscribing now sees each event exactly once:
        // in its replay or on its receiver. No receiver is not an error.
        let _ = self.sender.send(Message::Event(event));
        id
    }

    /// The id of the last event so far: a page rendered now resumes its stream from here.
    pub fn position(&self) -> EventId {
        EventId {
            epoch: self.epoch,
            seq: self.ring().next_seq - 1,
        }
    }

    /// Events may have been missed (the listener lost its connection): every open stream
    /// and every stream resuming from before now resyncs.
    pub fn lost_continuity(&self) {
        let mut ring = self.ring();
        // The gap takes a number of its own, so a page rendered after it (at this
        // position) resumes cleanly while one rendered before it resyncs.
        ring.continuous_since = ring.next_seq;
        ring.next_seq += 1;
        let _ = self.sender.send(Message::Resync);
    }

    /// Whether announcements reach this hub now: on PostgreSQL once its listener is
    /// connected, on SQLite from the start.
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Relaxed)
    }

    pub fn set_listening(&self, listening: bool) {
        self.listening.store(listening, Ordering::Relaxed);
    }

    /// Ends every open stream: the server is shutting down.
    pub fn close(&self) {
        let _guard = self.ring();
        let _ = self.sender.send(Message::Closing);
    }

    /// A stream resuming after `since` (an event id, if the client has one) for `scope`.
    pub fn subscribe(&self, since: Option<&str>, scope: &Scope) -> Subscription {
        let ring = self.ring();
        let receiver = self.sender.subscribe();
        self.open_streams.fetch_add(1, Ordering::Relaxed);
        let guard = StreamGuard(Arc::clone(&self.open_streams));
        let last = ring.next_seq - 1;
        let (missed, resync) = match since.filter(|text| !text.trim().is_empty()) {
            None => (Vec::new(), false),
            Some(text) => match EventId::parse(text) {
                Some(id) if id.epoch == self.epoch && id.seq <= last => {
                    let oldest = ring.events.front().map_or(last + 1, |event| event.id.seq);
                    if id.seq < ring.continuous_since || id.seq + 1 < oldest {
                        (Vec::new(), true)
                    } else {
                        let missed = ring
                            .events
                            .iter()
                            .filter(|event| event.id.seq > id.seq && scope.sees(event))
                            .cloned()
                            .collect();
                        (missed, false)
                    }
                }
                // Another replica's id, an earlier run's, or nonsense: start over.
                _ => (Vec::new(), true),
            },
        };
        Subscription {
            missed,
            resync,
            receiver,
            guard,
        }
    }

    /// How many streams are open on this replica.
    pub fn open_streams(&self) -> usize {
        self.open_streams.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use app_model::live::{Change, ChangeKind};

    use super::{EventId, LiveHub, Message, REMEMBERED, Scope};

    fn change(id: &str) -> Change {
        Change {
            kind: ChangeKind::Worker,
            id: id.to_owned(),
        }
    }

    fn ids(missed: &[std::sync::Arc<super::Event>]) -> Vec<String> {
        missed.iter().map(|event| event.change.id.clone()).collect()
    }

    #[test]
    fn ids_read_back_as_they_are_written() {
        let id = EventId {
            epoch: 0xdead_beef,
            seq: 42,
        };
        assert_eq!(id.to_string(), "deadbeef-42");
        assert_eq!(EventId::parse("deadbeef-42"), Some(id));
        assert_eq!(EventId::parse("42"), None);
        assert_eq!(EventId::parse("zz-1"), None);
    }

    #[test]
    fn a_resumed_stream_gets_what_it_missed_of_its_own_and_nothing_else() {
        let hub = LiveHub::with_epoch(7);
        let start = hub.position().to_string();
        hub.deliver("alice", change("a1"));
        hub.deliver("bob", change("b1"));
        hub.deliver("alice", change("a2"));
        let alice = hub.subscribe(Some(&start), &Scope::Owner("alice".to_owned()));
        assert!(!alice.resync);
        assert_eq!(ids(&alice.missed), ["a1", "a2"]);
        let bob = hub.subscribe(Some(&start), &Scope::Owner("bob".to_owned()));
        assert_eq!(ids(&bob.missed), ["b1"]);
        let admin = hub.subscribe(Some(&start), &Scope::Everything);
        assert_eq!(ids(&admin.missed), ["a1", "b1", "a2"]);
        let now = hub.subscribe(Some(&hub.position().to_string()), &Scope::Everything);
        assert!(now.missed.is_empty() && !now.resync);
    }

    #[tokio::test]
    async fn an_open_stream_receives_what_is_delivered_after_it_subscribed() {
        let hub = LiveHub::with_epoch(7);
        hub.deliver("alice", change("before"));
        let mut subscription = hub.subscribe(None, &Scope::Owner("alice".to_owned()));
        assert!(subscription.missed.is_empty());
        hub.deliver("alice", change("after"));
        match subscription.receiver.recv().await.expect("an event") {
            Message::Event(event) => assert_eq!(event.change.id, "after"),
            other => panic!("expected the event, got {other:?}"),
        }
        assert_eq!(hub.open_streams(), 1);
        drop(subscription);
        assert_eq!(hub.open_streams(), 0);
    }

    #[test]
    fn foreign_stale_and_impossible_ids_resync() {
        let hub = LiveHub::with_epoch(7);
        let everything = Scope::Everything;
        // Another replica's (or run's) epoch.
        assert!(hub.subscribe(Some("8-0"), &everything).resync);
        assert!(hub.subscribe(Some("not an id"), &everything).resync);
        // From the future of this hub.
        assert!(hub.subscribe(Some("7-5"), &everything).resync);
        // Older than the ring remembers.
        for n in 0..=REMEMBERED {
            hub.deliver("alice", change(&n.to_string()));
        }
        assert!(hub.subscribe(Some("7-0"), &everything).resync);
        let recent = hub.subscribe(Some("7-1"), &everything);
        assert!(!recent.resync);
        assert_eq!(recent.missed.len(), REMEMBERED);
        // No id at all: a fresh page, nothing to catch up on.
        assert!(!hub.subscribe(None, &everything).resync);
    }

    #[tokio::test]
    async fn lost_continuity_resyncs_open_streams_and_those_resuming_from_before() {
        let hub = LiveHub::with_epoch(7);
        hub.deliver("alice", change("a1"));
        let before = hub.position().to_string();
        let mut open = hub.subscribe(None, &Scope::Everything);
        hub.lost_continuity();
        assert!(matches!(open.receiver.recv().await, Ok(Message::Resync)));
        assert!(hub.subscribe(Some(&before), &Scope::Everything).resync);
        let rendered_after_the_gap = hub.position().to_string();
        assert!(
            !hub.subscribe(Some(&rendered_after_the_gap), &Scope::Everything)
                .resync
        );
        hub.deliver("alice", change("a2"));
        let after = hub.subscribe(Some(&hub.position().to_string()), &Scope::Everything);
        assert!(!after.resync);
    }
}
