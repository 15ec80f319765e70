//! The landing page's words.

use app::ui::IconKind;

pub struct Card {
    pub icon: IconKind,
    pub title: &'static str,
    pub text: &'static str,
}

pub struct Step {
    pub title: &'static str,
    pub text: &'static str,
}

pub const AUDIENCES: [Card; 3] = [
    Card {
        icon: IconKind::User,
        title: "Independent traders",
        text: "Try a strategy over years of candles and hundreds of parameter sets on the computer you already own, without renting a backtesting service.",
    },
    Card {
        icon: IconKind::Chart,
        title: "Quant researchers and small teams",
        text: "Spread a grid over every machine the team has. Each agent belongs to its owner; the results land in one place, ranked.",
    },
    Card {
        icon: IconKind::Shield,
        title: "People who self-host",
        text: "One binary with SQLite and a local folder. Datasets and results stay on infrastructure you run.",
    },
];

pub const STEPS: [Step; 4] = [
    Step {
        title: "Enroll an agent",
        text: "Create a one-time enrollment token and run edge-agent onboard on your machine. It registers and keeps its credential in a private file.",
    },
    Step {
        title: "Upload a dataset",
        text: "Bring your own OHLCV candles as CSV. The server checks every row and tells you which line is wrong.",
    },
    Step {
        title: "Queue a backtest",
        text: "Pick a strategy and a parameter grid. One of your agents leases the task, runs it on every core and reports progress as it goes.",
    },
    Step {
        title: "Compare the results",
        text: "Every parameter set ranked by return, with drawdown, trades and an equity curve.",
    },
];

pub const FEATURES: [Card; 6] = [
    Card {
        icon: IconKind::Server,
        title: "Your hardware, your data",
        text: "Backtests run on agents you operate. The server coordinates and stores results; it never runs your work.",
    },
    Card {
        icon: IconKind::Shield,
        title: "Secure by default",
        text: "Owner-scoped agents, peppered credential hashes with rotation and revocation, a strict content security policy and sessions that expire.",
    },
    Card {
        icon: IconKind::Cpu,
        title: "Agents that behave",
        text: "Exponential back-off when the server is away, cancel that reaches a running task, a clean hand-back on shutdown, quarantine after repeated failures.",
    },
    Card {
        icon: IconKind::Chart,
        title: "Results you can read",
        text: "Ranked runs with return, drawdown and equity curves instead of log files.",
    },
    Card {
        icon: IconKind::Upload,
        title: "Datasets checked at the door",
        text: "Headers, numbers, time order and limits are checked on upload, with line numbers for every problem.",
    },
    Card {
        icon: IconKind::Book,
        title: "Self-host in one command",
        text: "One binary on SQLite and a local folder; PostgreSQL, Redis and S3 when you run several replicas.",
    },
];
