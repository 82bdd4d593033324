//! An entry's pages: the team's editor, the public list of entries and the organiser's list.

pub mod editor;
pub mod public;
pub mod staff;
