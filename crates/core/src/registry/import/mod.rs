//! The KIM lists offices already keep, as they really are: headers such as "Desa/Kelurahan",
//! "Kab/Kota" or "No HP Ketua" instead of the template's, dates as "12/03/2021" or
//! "12 Maret 2021", topics and statuses in Bahasa Indonesia, the template's example row left in
//! place, the same KIM twice. Everything here is pure and knows nothing of the store: the import
//! service asks it what a column means and what a cell says, then checks the row.

mod columns;
mod dates;
mod rows;
mod words;

pub use columns::{recognise, Field, Recognised};
pub use dates::{normalize_date, parse_date_id};
pub use rows::{is_template_example, SimilarRows, TEMPLATE_EXAMPLE};
pub use words::{
    parse_consent, parse_status_word, parse_topic_word, split_topics, status_word, topic_word,
};

#[cfg(test)]
mod tests;
