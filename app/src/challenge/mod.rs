//! Challenges (thử thách): real public-service problems a city publishes, with rules, prizes and
//! a timetable of phases. So far: the timetable rules; the pages and storage come next.

pub mod rules;
