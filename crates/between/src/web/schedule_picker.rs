//! The schedule picker of a practice form, shared by the client's own
//! practice form and the therapist's "assign practice" form: radio buttons
//! for every day, some days of the week, N times a week, every N days or
//! once by a date (`templates/schedule_picker.html`), read back into the
//! schedule text `Schedule::parse` takes.

use super::forms::FormData;

/// The days of the week as the picker offers them: (form value, label).
pub const DAYS: [(&str, &str); 7] = [
    ("mon", "Mon"),
    ("tue", "Tue"),
    ("wed", "Wed"),
    ("thu", "Thu"),
    ("fri", "Fri"),
    ("sat", "Sat"),
    ("sun", "Sun"),
];

/// The picker as shown or as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulePicker {
    /// daily, days, per_week, every or once.
    pub kind: String,
    /// (value, label, ticked) for each day of the week.
    pub days: Vec<(&'static str, &'static str, bool)>,
    pub per_week: String,
    pub every: String,
    pub once: String,
}

impl Default for SchedulePicker {
    /// Every day, with 3 a week and every 2 days filled in for a change of mind.
    fn default() -> Self {
        SchedulePicker {
            kind: "daily".into(),
            days: DAYS.iter().map(|(k, l)| (*k, *l, false)).collect(),
            per_week: "3".into(),
            every: "2".into(),
            once: String::new(),
        }
    }
}

impl SchedulePicker {
    /// The picker's fields (`kind`, `day`, `per_week`, `every`, `once`) of a form.
    pub fn from_form(data: &FormData) -> SchedulePicker {
        let ticked = data.all("day");
        SchedulePicker {
            kind: match data.get("kind") {
                "" => "daily".into(),
                kind => kind.into(),
            },
            days: DAYS
                .iter()
                .map(|(k, l)| (*k, *l, ticked.contains(k)))
                .collect(),
            per_week: data.get("per_week").into(),
            every: data.get("every").into(),
            once: data.get("once").into(),
        }
    }

    /// The schedule as `Schedule::parse` reads it ("daily", "mon,thu",
    /// "per-week:3", "every:2d", "once:2026-12-24"), or why there is none.
    pub fn spec(&self) -> Result<String, &'static str> {
        Ok(match self.kind.as_str() {
            "days" => {
                let days: Vec<&str> = self
                    .days
                    .iter()
                    .filter(|(_, _, on)| *on)
                    .map(|(k, _, _)| *k)
                    .collect();
                if days.is_empty() {
                    return Err("Tick the days it is due.");
                }
                days.join(",")
            }
            "per_week" => format!("per-week:{}", self.per_week.trim()),
            "every" => format!("every:{}d", self.every.trim()),
            "once" => format!("once:{}", self.once.trim()),
            _ => "daily".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(body: &str) -> Result<String, &'static str> {
        SchedulePicker::from_form(&FormData::for_test(body)).spec()
    }

    #[test]
    fn each_choice_reads_as_the_schedule_text() {
        assert_eq!(spec("kind=daily"), Ok("daily".into()));
        assert_eq!(spec(""), Ok("daily".into()), "nothing chosen is every day");
        assert_eq!(spec("kind=days&day=mon&day=thu"), Ok("mon,thu".into()));
        assert_eq!(spec("kind=per_week&per_week=+3+"), Ok("per-week:3".into()));
        assert_eq!(spec("kind=every&every=2"), Ok("every:2d".into()));
        assert_eq!(
            spec("kind=once&once=2026-12-24"),
            Ok("once:2026-12-24".into())
        );
        assert_eq!(spec("kind=days"), Err("Tick the days it is due."));
    }

    #[test]
    fn the_form_as_sent_shows_again_with_its_days_ticked() {
        let p = SchedulePicker::from_form(&FormData::for_test("kind=days&day=wed"));
        assert_eq!(p.kind, "days");
        assert!(p.days.contains(&("wed", "Wed", true)));
        assert_eq!(p.days.iter().filter(|d| d.2).count(), 1);
    }
}
