//! Emergency alerts (issue 11): the vocabulary of an alert (hazard, CAP severity, urgency and
//! certainty, acknowledgements), BMKG's earthquake feeds, CAP 1.2 in and out, the geometry of an
//! alert's area and the rules that decide which KIMs it reaches and why.
//!
//! Everything here is pure: the store keeps alerts, the application layer polls feeds and fans
//! out; this module only parses, validates and decides.

pub mod area;
pub mod bmkg;
pub mod cap;
pub mod cap_index;
pub mod felt;
pub mod sms;

pub use area::{AlertArea, AreaError, Circle, Polygon, RadiusRule};
pub use bmkg::{BmkgError, Quake};
pub use felt::{Felt, FeltError};

/// Defines a closed enum with stable codes (stored, and used as catalogue keys) and `ALL`.
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s.trim() { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

coded!(
    /// What threatens. Each hazard has its own message template (see [`sms`]).
    Hazard {
        Earthquake = "earthquake",
        Tsunami = "tsunami",
        Flood = "flood",
        Landslide = "landslide",
        Volcano = "volcano",
        ExtremeWeather = "extreme_weather",
        Fire = "fire",
        Other = "other",
    }
);

impl Hazard {
    /// CAP `category`.
    pub fn cap_category(self) -> oasiscap::v1dot2::Category {
        use oasiscap::v1dot2::Category;
        match self {
            Hazard::Earthquake | Hazard::Tsunami | Hazard::Landslide | Hazard::Volcano => {
                Category::Geo
            }
            Hazard::Flood | Hazard::ExtremeWeather => Category::Met,
            Hazard::Fire => Category::Fire,
            Hazard::Other => Category::Other,
        }
    }
}

coded!(
    /// CAP `severity` (without `Unknown`: Simpul always knows what it says).
    Severity {
        Extreme = "extreme",
        Severe = "severe",
        Moderate = "moderate",
        Minor = "minor",
    }
);

coded!(
    /// CAP `urgency`.
    Urgency {
        Immediate = "immediate",
        Expected = "expected",
        Future = "future",
        Past = "past",
    }
);

coded!(
    /// CAP `certainty`.
    Certainty {
        Observed = "observed",
        Likely = "likely",
        Possible = "possible",
        Unlikely = "unlikely",
    }
);

coded!(
    /// Where an alert is in its life.
    AlertState {
        /// Composed by one person, waiting for a second (offices that require approval).
        Pending = "pending",
        Active = "active",
        Cancelled = "cancelled",
        Rejected = "rejected",
    }
);

coded!(
    /// Where an alert came from.
    Origin {
        Bmkg = "bmkg",
        Cap = "cap",
        Manual = "manual",
    }
);

coded!(
    /// A KIM's one-tap answer.
    AckKind {
        Received = "received",
        Safe = "safe",
        Affected = "affected",
        NeedHelp = "need_help",
    }
);

coded!(
    /// Why a KIM was targeted (shown on the board for every KIM).
    Reason {
        /// Its location lies inside a drawn polygon.
        InPolygon = "in_polygon",
        /// Its location lies inside a circle (drawn, or an earthquake's radius).
        InCircle = "in_circle",
        /// Its village lies in a listed region.
        InRegion = "in_region",
        /// Its kabupaten/kota is named in BMKG's `Dirasakan`.
        Felt = "felt",
        /// It has no coordinates: reached because its village lies in the area's regions.
        ViaVillage = "via_village",
    }
);

coded!(
    /// A kind of CAP message.
    MsgType {
        Alert = "alert",
        Update = "update",
        Cancel = "cancel",
    }
);

impl Severity {
    /// How long a targeted KIM may stay silent before it is escalated, by default: the graver
    /// the alert, the sooner someone else is asked to reach them.
    pub fn default_escalation_minutes(self) -> i64 {
        match self {
            Severity::Extreme => 10,
            Severity::Severe => 20,
            Severity::Moderate => 45,
            Severity::Minor => 120,
        }
    }

    pub fn cap(self) -> oasiscap::v1dot2::Severity {
        use oasiscap::v1dot2::Severity as S;
        match self {
            Severity::Extreme => S::Extreme,
            Severity::Severe => S::Severe,
            Severity::Moderate => S::Moderate,
            Severity::Minor => S::Minor,
        }
    }
}

impl Urgency {
    pub fn cap(self) -> oasiscap::v1dot2::Urgency {
        use oasiscap::v1dot2::Urgency as U;
        match self {
            Urgency::Immediate => U::Immediate,
            Urgency::Expected => U::Expected,
            Urgency::Future => U::Future,
            Urgency::Past => U::Past,
        }
    }
}

impl Certainty {
    pub fn cap(self) -> oasiscap::v1dot2::Certainty {
        use oasiscap::v1dot2::Certainty as C;
        match self {
            Certainty::Observed => C::Observed,
            Certainty::Likely => C::Likely,
            Certainty::Possible => C::Possible,
            Certainty::Unlikely => C::Unlikely,
        }
    }
}

/// A headline or instruction as typed: trimmed, not empty, within `max` characters.
pub fn text_field(input: &str, max: usize) -> Result<String, &'static str> {
    let t = input.trim();
    if t.is_empty() {
        return Err("alerts.error_required");
    }
    if t.chars().count() > max {
        return Err("alerts.error_too_long");
    }
    Ok(t.to_owned())
}
