//! Background passes, one a file, each run by the server's scheduler with the site's links from
//! its configuration. Each claims its work with a conditional update first, so several server
//! instances do it once.

pub mod commitment_late;
pub mod draft_reminders;
pub mod milestone_reminders;
pub mod phase_changes;
pub mod results_notices;
