//! The measures a higher level judges a unit by (GEN-9), as the public sees them (COM-3):
//! 及时受理率 (the acceptance notice given within its limit ÷ all that came due), 按期办结率 (the
//! handling opinion given within its limit ÷ all that came due) and 满意率 ((满意 + 基本满意) ÷ all
//! ratings). The counting is the store's; the rates and how they read are here.

use serde::Serialize;

/// Deadlines of one kind that came due (or were met) in a period, and how many were met in time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeadlineTally {
    pub on_time: u64,
    pub due: u64,
}

/// The ratings of the handling units in a period (GEN-9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RatingTally {
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub dissatisfied: u64,
}

/// What the store counts for a unit's measures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KpiTallies {
    pub acceptance: DeadlineTally,
    pub closure: DeadlineTally,
    pub ratings: RatingTally,
}

/// One measure: its rate in per cent, or none when nothing was counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    pub code: &'static str,
    pub label: &'static str,
    /// Per cent, one decimal; `None` when the denominator is zero.
    pub percent: Option<f64>,
    pub numerator: u64,
    pub denominator: u64,
}

impl Measure {
    fn of(code: &'static str, label: &'static str, numerator: u64, denominator: u64) -> Measure {
        let percent = (denominator > 0).then(|| (numerator as f64 * 1000.0 / denominator as f64).round() / 10.0);
        Measure { code, label, percent, numerator, denominator }
    }

    /// `93.5%`, or `暂无数据` when nothing was counted.
    pub fn shown(&self) -> String {
        match self.percent {
            Some(p) => format!("{p:.1}%"),
            None => "暂无数据".into(),
        }
    }
}

/// The three public measures of a unit, in the order the regulation lists them.
pub fn measures(t: &KpiTallies) -> Vec<Measure> {
    let r = t.ratings;
    vec![
        Measure::of("timely_acceptance", "及时受理率", t.acceptance.on_time, t.acceptance.due),
        Measure::of("on_time_closure", "按期办结率", t.closure.on_time, t.closure.due),
        Measure::of(
            "satisfaction",
            "满意率",
            r.satisfied + r.basically_satisfied,
            r.satisfied + r.basically_satisfied + r.dissatisfied,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gen_9_rates_count_basic_satisfaction_and_say_when_there_is_nothing() {
        let t = KpiTallies {
            acceptance: DeadlineTally { on_time: 187, due: 200 },
            closure: DeadlineTally { on_time: 0, due: 0 },
            ratings: RatingTally { satisfied: 6, basically_satisfied: 2, dissatisfied: 2 },
        };
        let m = measures(&t);
        assert_eq!((m[0].label, m[0].percent, m[0].shown()), ("及时受理率", Some(93.5), "93.5%".to_owned()));
        assert_eq!((m[1].percent, m[1].shown()), (None, "暂无数据".to_owned()));
        assert_eq!((m[2].label, m[2].percent, m[2].numerator, m[2].denominator), ("满意率", Some(80.0), 8, 10));
    }
}
