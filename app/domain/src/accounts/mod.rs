//! Accounts: the rules around signing in. Today the throttling of failed sign-ins per
//! account and address; users, passwords and validation follow from the app.

pub mod throttle;
