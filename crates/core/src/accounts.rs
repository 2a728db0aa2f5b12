//! Accounts, roles and the scopes a role is limited to.

use crate::regions::RegionCode;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a person may do in Simpul. The public needs no account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Ministry staff: the whole country.
    NationalAdmin,
    /// Provincial Diskominfo.
    ProvincialAdmin,
    /// A coordination office (Bakorwil) over a group of kabupaten/kota.
    Coordinator,
    /// Kabupaten/kota Diskominfo.
    RegencyAdmin,
    /// Partner agency staff (BMKG, health office, Bappeda, ...).
    PartnerStaff,
    /// Verifies reported hoaxes.
    FactChecker,
    /// Runs a KIM.
    KimOfficer,
    /// Belongs to a KIM.
    KimMember,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::NationalAdmin,
        Role::ProvincialAdmin,
        Role::Coordinator,
        Role::RegencyAdmin,
        Role::PartnerStaff,
        Role::FactChecker,
        Role::KimOfficer,
        Role::KimMember,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::NationalAdmin => "national_admin",
            Role::ProvincialAdmin => "provincial_admin",
            Role::Coordinator => "coordinator",
            Role::RegencyAdmin => "regency_admin",
            Role::PartnerStaff => "partner_staff",
            Role::FactChecker => "fact_checker",
            Role::KimOfficer => "kim_officer",
            Role::KimMember => "kim_member",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Seniority for delegation: an administrator may grant only roles ranked below their own
    /// (a national admin may also appoint national admins).
    pub fn rank(self) -> u8 {
        match self {
            Role::NationalAdmin => 100,
            Role::ProvincialAdmin => 80,
            Role::Coordinator => 60,
            Role::RegencyAdmin => 50,
            Role::PartnerStaff | Role::FactChecker => 30,
            Role::KimOfficer => 20,
            Role::KimMember => 10,
        }
    }

    /// Roles that administer a territory (accounts, audit log).
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Role::NationalAdmin | Role::ProvincialAdmin | Role::Coordinator | Role::RegencyAdmin
        )
    }

    /// The scope kinds that make sense for this role.
    pub fn allows_scope(self, scope: &Scope) -> bool {
        use crate::regions::Level;
        match (self, scope) {
            (Role::NationalAdmin, Scope::National) => true,
            (Role::NationalAdmin, _) => false,
            (Role::ProvincialAdmin, Scope::Region(c)) => c.level() == Level::Province,
            (Role::Coordinator, Scope::Group(_)) => true,
            (Role::RegencyAdmin, Scope::Region(c)) => c.level() == Level::Regency,
            (Role::PartnerStaff | Role::FactChecker, Scope::National | Scope::Region(_)) => true,
            (Role::PartnerStaff | Role::FactChecker, Scope::Group(_)) => true,
            (Role::KimOfficer | Role::KimMember, Scope::Kim(_) | Scope::Region(_)) => true,
            _ => false,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a role assignment applies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "ref", rename_all = "snake_case")]
pub enum Scope {
    /// The whole country.
    National,
    /// A region and everything inside it.
    Region(RegionCode),
    /// A coordination group (Bakorwil) of kabupaten/kota.
    Group(i64),
    /// One KIM (its registry arrives with the KIM registry capability).
    Kim(i64),
}

impl Scope {
    /// Storage form: (kind, reference).
    pub fn to_parts(&self) -> (&'static str, String) {
        match self {
            Scope::National => ("national", String::new()),
            Scope::Region(c) => ("region", c.to_string()),
            Scope::Group(id) => ("group", id.to_string()),
            Scope::Kim(id) => ("kim", id.to_string()),
        }
    }

    pub fn from_parts(kind: &str, reference: &str) -> Option<Scope> {
        match kind {
            "national" => Some(Scope::National),
            "region" => RegionCode::parse(reference).ok().map(Scope::Region),
            "group" => reference.parse().ok().map(Scope::Group),
            "kim" => reference.parse().ok().map(Scope::Kim),
            _ => None,
        }
    }
}

/// A login name: 3–64 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountFieldError {
    #[error(
        "username must be 3 to 64 characters: lowercase letters, digits, dot, dash, underscore"
    )]
    BadUsername,
    #[error("password must be 10 to 128 characters")]
    BadPassword,
    #[error("display name must be 1 to 120 characters")]
    BadDisplayName,
    #[error("e-mail address is not valid")]
    BadEmail,
}

impl AccountFieldError {
    /// Message-catalogue key for the user's language.
    pub fn message_key(self) -> &'static str {
        match self {
            AccountFieldError::BadUsername => "error.username",
            AccountFieldError::BadPassword => "error.password",
            AccountFieldError::BadDisplayName => "error.display_name",
            AccountFieldError::BadEmail => "error.email",
        }
    }
}

impl Username {
    pub fn parse(input: &str) -> Result<Username, AccountFieldError> {
        let s = input.trim().to_lowercase();
        let ok_len = (3..=64).contains(&s.len());
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        let ok_start = s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
        if ok_len && ok_chars && ok_start {
            Ok(Username(s))
        } else {
            Err(AccountFieldError::BadUsername)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Check a new password's length (NIST 800-63B: length over composition rules).
pub fn check_new_password(password: &str) -> Result<(), AccountFieldError> {
    let n = password.chars().count();
    if (10..=128).contains(&n) {
        Ok(())
    } else {
        Err(AccountFieldError::BadPassword)
    }
}

pub fn parse_display_name(input: &str) -> Result<String, AccountFieldError> {
    let s = input.trim();
    let n = s.chars().count();
    if (1..=120).contains(&n) && !s.chars().any(char::is_control) {
        Ok(s.to_owned())
    } else {
        Err(AccountFieldError::BadDisplayName)
    }
}

/// A pragmatic e-mail check: one `@`, a dotted domain, no spaces; lower-cased domain.
pub fn parse_email(input: &str) -> Result<String, AccountFieldError> {
    let s = input.trim();
    let (local, domain) = s.split_once('@').ok_or(AccountFieldError::BadEmail)?;
    let valid = !local.is_empty()
        && local.len() <= 64
        && domain.len() <= 190
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@');
    if valid {
        Ok(format!("{local}@{}", domain.to_lowercase()))
    } else {
        Err(AccountFieldError::BadEmail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn scope_parts_round_trip() {
        let scopes = [
            Scope::National,
            Scope::Region(RegionCode::parse("35.14").unwrap()),
            Scope::Group(7),
            Scope::Kim(42),
        ];
        for scope in scopes {
            let (kind, reference) = scope.to_parts();
            assert_eq!(Scope::from_parts(kind, &reference), Some(scope));
        }
        assert_eq!(Scope::from_parts("region", "3x"), None);
    }

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(
            Username::parse(" Kominfo.Jatim ").unwrap().as_str(),
            "kominfo.jatim"
        );
        for bad in ["ab", ".dot", "with space", "ümlaut", &"x".repeat(65)] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_and_passwords() {
        assert_eq!(
            parse_email("Ani@Kominfo.JatimProv.go.id").unwrap(),
            "Ani@kominfo.jatimprov.go.id"
        );
        for bad in ["", "no-at", "a@b", "a@.b.c", "a b@c.d", "a@b@c.d"] {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough pass").is_ok());
    }

    #[test]
    fn roles_accept_only_sensible_scopes() {
        let province = Scope::Region(RegionCode::parse("35").unwrap());
        let regency = Scope::Region(RegionCode::parse("35.14").unwrap());
        assert!(Role::ProvincialAdmin.allows_scope(&province));
        assert!(!Role::ProvincialAdmin.allows_scope(&regency));
        assert!(Role::RegencyAdmin.allows_scope(&regency));
        assert!(!Role::NationalAdmin.allows_scope(&regency));
        assert!(Role::Coordinator.allows_scope(&Scope::Group(1)));
        assert!(!Role::Coordinator.allows_scope(&province));
    }
}
