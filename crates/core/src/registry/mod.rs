//! The KIM registry's vocabulary: statuses and their transitions, registration numbers, and the
//! outside input a registration carries (name, phone, NIK, location, social links, members).
//!
//! Pure domain: every parser here turns typed text into a type that cannot hold a bad value.

pub mod import;
pub mod location;
pub mod members;
pub mod name;
pub mod nik;
pub mod number;
pub mod phone;
pub mod similarity;
pub mod social;
pub mod status;
pub mod topics;
mod url;

pub use location::{is_in_indonesia, LatLon, LocationError};
pub use members::{AgeBand, Gender, MemberRole};
pub use name::{KimName, KimNameError};
pub use nik::{Nik, NikError};
pub use number::{KimNumber, KimNumberError};
pub use phone::{PhoneE164, PhoneError};
pub use similarity::{is_possible_duplicate, name_similarity, normalize_kim_name};
pub use social::{normalize_social, SocialError, SocialKind};
pub use status::{KimStatus, Transition, TransitionError};
pub use topics::Topic;
