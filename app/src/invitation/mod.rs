//! Invitations (lời mời): a link sent to an address, asking its owner to join something within a
//! challenge, answered once. Two owners send them: a team inviting a member, a challenge's panel
//! inviting a judge. The mechanism is this one; what joining means stays with each owner.

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
