use super::SocialKind::*;
use super::*;

fn norm(kind: SocialKind, s: &str) -> String {
    normalize_social(kind, s).unwrap_or_else(|e| panic!("{kind} {s:?}: {e}"))
}

fn err(kind: SocialKind, s: &str) -> SocialError {
    normalize_social(kind, s).expect_err(s)
}

#[test]
fn kinds_round_trip() {
    for k in SocialKind::ALL {
        assert_eq!(SocialKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(SocialKind::parse("twitter"), None);
}

#[test]
fn handles_become_profile_links() {
    for typed in ["@kimprigen", "kimprigen", " @KimPrigen "] {
        assert_eq!(
            norm(Instagram, typed),
            "https://www.instagram.com/kimprigen"
        );
        assert_eq!(norm(Tiktok, typed), "https://www.tiktok.com/@kimprigen");
        assert_eq!(norm(X, typed), "https://x.com/kimprigen");
        assert_eq!(norm(Youtube, typed), "https://www.youtube.com/@kimprigen");
    }
    assert_eq!(
        norm(Instagram, "kim.prigen_maju"),
        "https://www.instagram.com/kim.prigen_maju"
    );
    assert_eq!(
        norm(Facebook, "KIM.Prigen"),
        "https://www.facebook.com/KIM.Prigen"
    );
}

#[test]
fn profile_links_are_made_canonical() {
    let cases = [
        (
            Instagram,
            "instagram.com/kimprigen",
            "https://www.instagram.com/kimprigen",
        ),
        (
            Instagram,
            "https://www.instagram.com/KimPrigen/?igsh=abc123",
            "https://www.instagram.com/kimprigen",
        ),
        (
            Tiktok,
            "https://www.tiktok.com/@kimprigen?lang=id",
            "https://www.tiktok.com/@kimprigen",
        ),
        (
            Tiktok,
            "tiktok.com/@kimprigen/video/7312",
            "https://www.tiktok.com/@kimprigen",
        ),
        (
            X,
            "https://twitter.com/KimPrigen",
            "https://x.com/kimprigen",
        ),
        (
            X,
            "mobile.twitter.com/kimprigen/",
            "https://x.com/kimprigen",
        ),
        (X, "http://x.com/kimprigen", "https://x.com/kimprigen"),
        (
            Youtube,
            "https://youtube.com/@KimPrigen/videos",
            "https://www.youtube.com/@kimprigen",
        ),
        (
            Youtube,
            "https://www.youtube.com/channel/UC1234567890abcdefghijkl",
            "https://www.youtube.com/channel/UC1234567890abcdefghijkl",
        ),
        (
            Youtube,
            "youtube.com/c/KimPrigen",
            "https://www.youtube.com/c/KimPrigen",
        ),
        (
            Youtube,
            "https://youtu.be/dQw4w9WgXcQ?si=x",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        (
            Youtube,
            "https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        (
            Youtube,
            "youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        (
            Facebook,
            "https://m.facebook.com/kimprigen?ref=bookmarks",
            "https://www.facebook.com/kimprigen",
        ),
        (
            Facebook,
            "fb.com/groups/kim.prigen/",
            "https://www.facebook.com/groups/kim.prigen",
        ),
        (
            Facebook,
            "https://web.facebook.com/profile.php?id=100064123456789&mibextid=x",
            "https://www.facebook.com/profile.php?id=100064123456789",
        ),
        (
            WhatsappChannel,
            "https://whatsapp.com/channel/0029VaA1b2C3d4E5f6G7h8I9",
            "https://whatsapp.com/channel/0029VaA1b2C3d4E5f6G7h8I9",
        ),
        (
            WhatsappChannel,
            "www.whatsapp.com/channel/0029VaA1b2C3d4E5f6G7h8I9/",
            "https://whatsapp.com/channel/0029VaA1b2C3d4E5f6G7h8I9",
        ),
    ];
    for (kind, typed, canonical) in cases {
        assert_eq!(norm(kind, typed), canonical, "{kind} {typed}");
        assert_eq!(norm(kind, canonical), canonical, "{kind} {canonical} again");
    }
}

#[test]
fn links_must_be_on_the_platform() {
    assert_eq!(
        err(Instagram, "https://facebook.com/kimprigen"),
        SocialError::WrongSite
    );
    assert_eq!(
        err(Facebook, "https://evilfacebook.com/kimprigen"),
        SocialError::WrongSite
    );
    assert_eq!(
        err(X, "https://x.com.evil.id/kimprigen"),
        SocialError::WrongSite
    );
    assert_eq!(
        err(WhatsappChannel, "https://chat.whatsapp.co/abc"),
        SocialError::WrongSite
    );
    assert_eq!(err(Instagram, "javascript:alert(1)"), SocialError::BadUrl);
    assert_eq!(
        err(Instagram, "https://instagram.com/<b>"),
        SocialError::BadUrl
    );
    assert_eq!(
        err(Facebook, "https://user@facebook.com/x"),
        SocialError::BadUrl
    );
}

#[test]
fn posts_and_share_pages_are_not_accounts() {
    for (kind, typed) in [
        (Instagram, "https://www.instagram.com/p/Cx1yZ2/"),
        (Instagram, "instagram.com"),
        (Tiktok, "https://www.tiktok.com/kimprigen"),
        (Tiktok, "https://vt.tiktok.com/ZSabc123/"),
        (X, "https://x.com/search?q=kim"),
        (Youtube, "https://www.youtube.com/results?search_query=kim"),
        (Youtube, "https://youtu.be/short"),
        (Facebook, "https://www.facebook.com/sharer.php?u=x"),
        (Facebook, "https://www.facebook.com/profile.php"),
        (WhatsappChannel, "https://whatsapp.com/abc"),
        (WhatsappChannel, "https://whatsapp.com/channel/short"),
    ] {
        assert_eq!(err(kind, typed), SocialError::NotAProfile, "{kind} {typed}");
    }
}

/// Found by the `social` fuzz target: "hle.php" was a Facebook username whose link then read as
/// a script page, so normalising the link again refused it.
#[test]
fn facebook_names_that_look_like_scripts_are_refused() {
    for typed in ["hle.php", "@Sharer.PHP"] {
        assert_eq!(err(Facebook, typed), SocialError::BadHandle, "{typed}");
    }
    for link in [
        "https://www.facebook.com/sharer.PHP?u=x",
        "https://www.facebook.com/hle.php",
    ] {
        assert_eq!(err(Facebook, link), SocialError::NotAProfile, "{link}");
    }
    assert_eq!(
        norm(Facebook, "https://m.facebook.com/Profile.PHP?id=123456"),
        "https://www.facebook.com/profile.php?id=123456"
    );
    let name = norm(Facebook, "kim.php.prigen");
    assert_eq!(normalize_social(Facebook, &name), Ok(name.clone()));
}

/// Found by the `social` fuzz target: "p" was an Instagram handle whose link
/// (instagram.com/p) then read as a post, so normalising the link again refused it.
#[test]
fn handles_that_name_platform_pages_are_refused() {
    for (kind, typed) in [
        (Instagram, "p"),
        (Instagram, "@Reels"),
        (Instagram, "explore"),
        (X, "home"),
        (X, "@I"),
    ] {
        assert_eq!(err(kind, typed), SocialError::BadHandle, "{kind} {typed}");
    }
    // Longer names that merely start like one are accounts.
    for (kind, typed) in [(Instagram, "pasuruan"), (X, "homekim")] {
        let link = norm(kind, typed);
        assert_eq!(
            normalize_social(kind, &link),
            Ok(link.clone()),
            "{kind} {typed}"
        );
    }
}

#[test]
fn account_names_follow_platform_rules() {
    for (kind, typed) in [
        (Instagram, "kim prigen"),
        (Instagram, "kim..prigen"),
        (Instagram, ".kimprigen"),
        (Instagram, &"k".repeat(31)),
        (Tiktok, "k"),
        (X, "kim.prigen"),
        (X, "kimprigenmajujaya"),
        (Youtube, "ab"),
        (Facebook, "kim"),
        (Facebook, "KIM Prigen"),
    ] {
        assert_eq!(err(kind, typed), SocialError::BadHandle, "{kind} {typed}");
    }
    assert_eq!(err(WhatsappChannel, "kimprigen"), SocialError::BadUrl);
    assert_eq!(err(Instagram, "   "), SocialError::Empty);
    assert_eq!(SocialError::Empty.message_key(), "error.required");
}

#[test]
fn websites_keep_their_path_and_lose_only_noise() {
    let cases = [
        ("kimprigen.desa.id", "https://kimprigen.desa.id"),
        ("https://kimprigen.desa.id/", "https://kimprigen.desa.id"),
        (
            "HTTP://KIM.Example.org/Berita?id=1#atas",
            "http://kim.example.org/Berita?id=1#atas",
        ),
        (
            "prigen.pasuruankab.go.id:8080/kim",
            "https://prigen.pasuruankab.go.id:8080/kim",
        ),
    ];
    for (typed, canonical) in cases {
        assert_eq!(norm(Website, typed), canonical, "{typed}");
        assert_eq!(norm(Website, canonical), canonical);
    }
    for bad in [
        "javascript:alert(1)",
        "data:text/html,hi",
        "ftp://kim.example.org",
        "kimprigen",
        "https://kim prigen.id",
        "https://kim.example.org/\"onmouseover=x",
    ] {
        assert_eq!(err(Website, bad), SocialError::BadUrl, "{bad}");
    }
    let long = format!("https://kim.example.org/{}", "a".repeat(280));
    assert_eq!(err(Website, &long), SocialError::BadUrl);
    // Fits as typed, but not once https:// is added: still refused, never silently cut.
    let bare = format!("kim.example.org/{}", "a".repeat(280));
    assert_eq!(err(Website, &bare), SocialError::BadUrl);
}

proptest::proptest! {
    #[test]
    fn never_panics_and_is_idempotent(s in "\\PC{0,80}", k in 0usize..7) {
        let kind = SocialKind::ALL[k];
        if let Ok(once) = normalize_social(kind, &s) {
            proptest::prop_assert!(once.starts_with("https://") || once.starts_with("http://"));
            proptest::prop_assert_eq!(normalize_social(kind, &once), Ok(once.clone()));
        }
    }

    #[test]
    fn link_shaped_input_is_idempotent(
        scheme in "(https?://)?",
        host in "(www\\.|m\\.)?(facebook|instagram|tiktok|youtube|x|twitter|whatsapp|kim\\.desa)\\.(com|id)|youtu\\.be|fb\\.com",
        path in "(/[@a-zA-Z0-9._%-]{0,26}){0,3}/?",
        query in "(\\?[a-z]{1,3}=[a-zA-Z0-9]{0,12})?",
        k in 0usize..7,
    ) {
        let kind = SocialKind::ALL[k];
        let typed = format!("{scheme}{host}{path}{query}");
        if let Ok(once) = normalize_social(kind, &typed) {
            proptest::prop_assert_eq!(normalize_social(kind, &once), Ok(once.clone()));
        }
    }

    #[test]
    fn valid_handles_always_normalize(h in "[a-z0-9_]{3,15}", k in 0usize..4) {
        let kind = [Instagram, Tiktok, X, Youtube][k];
        let once = normalize_social(kind, &format!("@{h}")).unwrap();
        proptest::prop_assert!(once.ends_with(&h));
        proptest::prop_assert_eq!(normalize_social(kind, &once), Ok(once.clone()));
    }
}
