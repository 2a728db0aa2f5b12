//! Reminders to confirmed participants the day before an event and on the day, by a scheduled
//! job every quarter hour. Each reminder has its own dedupe key, so however often the job runs
//! (or on however many instances), nobody is reminded twice.

use crate::jobs::{JobError, JobKind, Progress, ScheduleDef};
use crate::notify::{notify, Audience, Message};
use crate::AppCtx;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use simpul_core::calendar::Zone;
use simpul_core::notify::{Kind, Priority};
use simpul_core::RegionCode;
use simpul_store::jobs::Job;

/// Which reminder is due for an event starting at `starts` (in `zone`) when it is `now`.
pub fn due(starts: DateTime<Utc>, now: DateTime<Utc>, zone: Zone) -> Option<&'static str> {
    if starts <= now {
        return None;
    }
    let day = |t: DateTime<Utc>| t.with_timezone(&zone.offset()).date_naive();
    let (today, start_day) = (day(now), day(starts));
    if start_day == today {
        Some("today")
    } else if today.succ_opt() == Some(start_day) {
        Some("day_before")
    } else {
        None
    }
}

/// Send the reminders due now. Returns how many events were reminded about.
pub async fn remind_due(ctx: &AppCtx, now: DateTime<Utc>) -> Result<usize, crate::AppError> {
    let mut n = 0;
    for e in ctx
        .store
        .events_starting(now, now + Duration::hours(48))
        .await?
    {
        let zone = Zone::of(RegionCode::parse(&e.region_code).ok().as_ref());
        let Some(which) = due(e.starts_at, now, zone) else {
            continue;
        };
        let users = ctx.store.confirmed_user_ids(e.id).await?;
        if users.is_empty() {
            continue;
        }
        let time = simpul_core::calendar::long_time(e.starts_at, zone, "id");
        let message = Message {
            kind: Kind::Event,
            priority: Priority::Normal,
            template: format!("events_reminder_{which}").into(),
            args: vec![
                ("title".into(), e.title.clone()),
                ("time".into(), time),
                (
                    "venue".into(),
                    if e.venue.is_empty() {
                        e.online_url.clone()
                    } else {
                        e.venue.clone()
                    },
                ),
            ],
            link: format!("/events/{}/ticket", e.id),
            dedupe_key: Some(format!("event:{}:remind:{which}", e.id)),
        };
        notify(ctx, &Audience::Users(users), &message).await?;
        n += 1;
    }
    Ok(n)
}

async fn remind_job(ctx: &AppCtx, _: &Job, _: &Progress) -> Result<Value, JobError> {
    match remind_due(ctx, Utc::now()).await {
        Ok(n) => Ok(serde_json::json!({ "events": n })),
        Err(e) => Err(JobError::Retry(format!("{e:?}"))),
    }
}

pub static REMIND: JobKind = JobKind {
    name: "events.remind",
    run: |ctx, job, progress| Box::pin(remind_job(ctx, job, progress)),
    max_attempts: 3,
    max_backoff: std::time::Duration::from_secs(120),
};

pub static REMIND_EVERY_QUARTER_HOUR: ScheduleDef = ScheduleDef {
    name: "events.remind",
    every: std::time::Duration::from_secs(15 * 60),
    kind: &REMIND,
};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_day_before_and_the_day() {
        // 08:00 WIB on 12 March = 01:00 UTC.
        let starts = Utc.with_ymd_and_hms(2026, 3, 12, 1, 0, 0).unwrap();
        let at = |d, h| Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0).unwrap();
        assert_eq!(due(starts, at(10, 12), Zone::Wib), None);
        assert_eq!(due(starts, at(11, 3), Zone::Wib), Some("day_before"));
        // 18:00 UTC on the 11th is 01:00 WIB on the 12th: the day itself.
        assert_eq!(due(starts, at(11, 18), Zone::Wib), Some("today"));
        assert_eq!(due(starts, at(12, 2), Zone::Wib), None);
    }
}
