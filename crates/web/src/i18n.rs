//! The message catalogue lives in the application layer (notifications are rendered there too).

pub use simpul_app::i18n::*;
