use super::*;

// RFC 8291, Appendix A.
const PLAINTEXT: &[u8] = b"When I grow up, I want to be a watermelon";
const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const AS_PUBLIC: &str =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
const UA_PUBLIC: &str =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
const BODY: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

fn bytes(text: &str) -> Vec<u8> {
    unb64(text).unwrap()
}

fn rfc_subscription() -> Subscription {
    Subscription::parse(
        "https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV",
        UA_PUBLIC,
        AUTH,
    )
    .unwrap()
}

#[test]
fn rfc8291_appendix_a_is_reproduced_byte_for_byte() {
    let as_secret = SecretKey::from_slice(&bytes(AS_PRIVATE)).unwrap();
    assert_eq!(
        b64(as_secret.public_key().to_encoded_point(false).as_bytes()),
        AS_PUBLIC
    );
    let (ua_public, auth) = rfc_subscription().keys().unwrap();
    let salt: [u8; 16] = bytes(SALT).try_into().unwrap();
    let body = encrypt_with(&ua_public, &auth, &as_secret, &salt, PLAINTEXT);
    assert_eq!(b64(&body), BODY);
}

#[test]
fn rfc8291_appendix_a_decrypts_with_the_user_agents_keys() {
    let ua_secret = SecretKey::from_slice(&bytes(UA_PRIVATE)).unwrap();
    let auth: [u8; 16] = bytes(AUTH).try_into().unwrap();
    assert_eq!(decrypt(&ua_secret, &auth, &bytes(BODY)).unwrap(), PLAINTEXT);
}

#[test]
fn fresh_encryption_round_trips_and_differs_each_time() {
    let ua_secret = SecretKey::from_slice(&bytes(UA_PRIVATE)).unwrap();
    let auth: [u8; 16] = bytes(AUTH).try_into().unwrap();
    let message = "Peringatan dini: banjir di Kecamatan Sukolilo".as_bytes();
    let one = encrypt(&rfc_subscription(), message).unwrap();
    let two = encrypt(&rfc_subscription(), message).unwrap();
    assert_ne!(one, two, "salt and ephemeral key are fresh per message");
    assert_eq!(decrypt(&ua_secret, &auth, &one).unwrap(), message);
    assert_eq!(decrypt(&ua_secret, &auth, &two).unwrap(), message);
    assert_eq!(one.len(), HEADER_LEN + message.len() + 1 + TAG_LEN);
}

#[test]
fn tampering_or_the_wrong_keys_do_not_decrypt() {
    let ua_secret = SecretKey::from_slice(&bytes(UA_PRIVATE)).unwrap();
    let auth: [u8; 16] = bytes(AUTH).try_into().unwrap();
    let mut body = bytes(BODY);
    let last = body.len() - 1;
    body[last] ^= 1;
    assert!(matches!(
        decrypt(&ua_secret, &auth, &body),
        Err(PushError::Decrypt(_))
    ));
    let mut wrong_auth = auth;
    wrong_auth[0] ^= 1;
    assert!(decrypt(&ua_secret, &wrong_auth, &bytes(BODY)).is_err());
    let stranger = SecretKey::random(&mut rand::rngs::OsRng);
    assert!(decrypt(&stranger, &auth, &bytes(BODY)).is_err());
    assert!(decrypt(&ua_secret, &auth, &bytes(BODY)[..40]).is_err());
}

#[test]
fn the_largest_payload_fits_4096_bytes_and_one_more_is_refused() {
    let ua_secret = SecretKey::from_slice(&bytes(UA_PRIVATE)).unwrap();
    let auth: [u8; 16] = bytes(AUTH).try_into().unwrap();
    let largest = vec![b'a'; MAX_PAYLOAD];
    let body = encrypt(&rfc_subscription(), &largest).unwrap();
    assert_eq!(body.len(), MAX_BODY);
    assert_eq!(decrypt(&ua_secret, &auth, &body).unwrap(), largest);
    assert_eq!(
        encrypt(&rfc_subscription(), &vec![b'a'; MAX_PAYLOAD + 1]),
        Err(PushError::PayloadTooLarge {
            len: MAX_PAYLOAD + 1,
            max: MAX_PAYLOAD
        })
    );
}

#[test]
fn vapid_keys_survive_storage_and_the_public_key_is_an_uncompressed_point() {
    let keys = VapidKeys::generate();
    let stored = keys.export_private();
    assert_eq!(unb64(&stored).unwrap().len(), 32);
    let again = VapidKeys::from_private(&stored).unwrap();
    assert_eq!(again.public_key(), keys.public_key());
    let point = unb64(&keys.public_key()).unwrap();
    assert_eq!((point.len(), point[0]), (65, 0x04));
    assert!(
        !format!("{keys:?}").contains(&stored),
        "the private key never prints"
    );
    assert_eq!(
        VapidKeys::from_private("not a key").unwrap_err(),
        PushError::InvalidVapidKey
    );
    assert_eq!(
        VapidKeys::from_private(&b64(&[0u8; 32])).unwrap_err(),
        PushError::InvalidVapidKey
    );
}

#[test]
fn vapid_authorization_verifies_for_its_key_audience_and_time() {
    let keys = VapidKeys::generate();
    let now = 1_750_000_000;
    let aud = "https://fcm.googleapis.com";
    let header = vapid_authorization(&keys, aud, "mailto:ops@simpul.example", now + 3600);
    assert!(header.starts_with("vapid t="));
    assert!(header.ends_with(&format!(", k={}", keys.public_key())));
    let claims = verify_vapid(&header, &keys.public_key(), aud, now).unwrap();
    assert_eq!(claims.sub, "mailto:ops@simpul.example");

    let other = VapidKeys::generate();
    assert_eq!(
        verify_vapid(&header, &other.public_key(), aud, now),
        Err(VapidError::WrongKey)
    );
    assert!(matches!(
        verify_vapid(
            &header,
            &keys.public_key(),
            "https://updates.push.services.mozilla.com",
            now
        ),
        Err(VapidError::WrongAudience { .. })
    ));
    assert_eq!(
        verify_vapid(&header, &keys.public_key(), aud, now + 3600),
        Err(VapidError::Expiry)
    );

    // A token signed by someone else but presenting our key.
    let forged = vapid_authorization(&other, aud, "mailto:x@example.org", now + 3600);
    let forged = format!(
        "{}, k={}",
        forged.split(", k=").next().unwrap(),
        keys.public_key()
    );
    assert_eq!(
        verify_vapid(&forged, &keys.public_key(), aud, now),
        Err(VapidError::BadSignature)
    );
    assert_eq!(
        verify_vapid("Bearer abc", &keys.public_key(), aud, now),
        Err(VapidError::Malformed)
    );
}

#[test]
fn subscriptions_are_parsed_once() {
    let json = format!(
        r#"{{"endpoint":"https://fcm.googleapis.com/fcm/send/abc","expirationTime":null,"keys":{{"p256dh":"{UA_PUBLIC}","auth":"{AUTH}"}}}}"#
    );
    let subscription = Subscription::from_browser_json(&json).unwrap();
    assert_eq!(
        subscription.audience().unwrap(),
        "https://fcm.googleapis.com"
    );
    assert!(Subscription::parse("http://127.0.0.1:9/p", UA_PUBLIC, AUTH).is_ok());
    assert!(matches!(
        Subscription::parse("http://push.example.net/p", UA_PUBLIC, AUTH),
        Err(PushError::InvalidEndpoint(_))
    ));
    assert!(matches!(
        Subscription::parse("file:///etc/passwd", UA_PUBLIC, AUTH),
        Err(PushError::InvalidEndpoint(_))
    ));
    assert_eq!(
        Subscription::parse("https://p.example/x", &UA_PUBLIC[..40], AUTH),
        Err(PushError::InvalidP256dh)
    );
    assert_eq!(
        Subscription::parse("https://p.example/x", UA_PUBLIC, "c2hvcnQ"),
        Err(PushError::InvalidAuth)
    );
    // Standard base64 with padding, as some libraries re-encode it, is accepted too.
    let standard = base64::engine::general_purpose::STANDARD.encode(bytes(AUTH));
    assert!(Subscription::parse("https://p.example/x", UA_PUBLIC, &standard).is_ok());
}
