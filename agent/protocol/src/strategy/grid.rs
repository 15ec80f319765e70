//! Parameter grids: a range per parameter, expanded to every combination.
//!
//! The text form is what people type: `fast=5..20:5,slow=20..60:10` (start..end:step, both
//! ends included), `period=14` for a single value. Parameters left out take their default.

use serde::{Deserialize, Serialize};

use super::{StrategyConfig, StrategyName, catalog::ParameterKind};

/// The most configs one task may hold.
pub const MAX_CONFIGS: usize = 10_000;

/// The values one parameter takes: `start`, `start + step`, … up to `end` inclusive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParameterRange {
    pub name: String,
    pub start: f64,
    pub end: f64,
    pub step: f64,
}

/// A parameter grid for one strategy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Grid {
    pub ranges: Vec<ParameterRange>,
}

/// Why a grid was refused. Messages name the parameter and read well in a form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GridError(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, GridError> {
    Err(GridError(message.into()))
}

/// Rounds away binary noise (`0.1 + 0.2`) so grid values print and compare as typed.
fn tidy(value: f64) -> f64 {
    (value * 1e9).round() / 1e9
}

impl ParameterRange {
    fn count(&self) -> usize {
        if self.step <= 0.0 {
            return 1;
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "bounded: start <= end, step > 0, checked against MAX_CONFIGS by the caller"
        )]
        let steps = ((self.end - self.start) / self.step + 1e-9).floor() as usize;
        steps.saturating_add(1)
    }

    fn value(&self, index: usize) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "index < MAX_CONFIGS")]
        tidy(self.start + self.step * index as f64)
    }
}

impl Grid {
    /// Parses the text form and checks it against the strategy's parameter schema.
    pub fn parse(strategy: StrategyName, text: &str) -> Result<Self, GridError> {
        let mut ranges: Vec<ParameterRange> = Vec::new();
        for part in text
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
        {
            let Some((name, range)) = part.split_once('=') else {
                return fail(format!(
                    "`{part}`: write name=start..end:step or name=value"
                ));
            };
            let name = name.trim();
            if ranges.iter().any(|existing| existing.name == name) {
                return fail(format!("{name} appears twice"));
            }
            let range = range.trim();
            let number = |text: &str| -> Result<f64, GridError> {
                text.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|value| value.is_finite())
                    .ok_or_else(|| GridError(format!("{name}: `{}` is not a number", text.trim())))
            };
            let parsed = match range.split_once("..") {
                None => {
                    let value = number(range)?;
                    ParameterRange {
                        name: name.to_owned(),
                        start: value,
                        end: value,
                        step: 0.0,
                    }
                }
                Some((start, rest)) => {
                    let Some((end, step)) = rest.split_once(':') else {
                        return fail(format!("{name}: a range needs a step, as in 5..20:5"));
                    };
                    ParameterRange {
                        name: name.to_owned(),
                        start: number(start)?,
                        end: number(end)?,
                        step: number(step)?,
                    }
                }
            };
            ranges.push(parsed);
        }
        let grid = Self { ranges };
        grid.check(strategy)?;
        Ok(grid)
    }

    /// Checks names, bounds and kinds against the strategy's schema.
    pub fn check(&self, strategy: StrategyName) -> Result<(), GridError> {
        let specs = strategy.parameters();
        for range in &self.ranges {
            let Some(spec) = specs.iter().find(|spec| spec.name == range.name) else {
                let known: Vec<_> = specs.iter().map(|spec| spec.name).collect();
                return fail(format!(
                    "{strategy} has no parameter `{}`; it has {}",
                    range.name,
                    known.join(", ")
                ));
            };
            let name = spec.name;
            let values = [range.start, range.end, range.step];
            if values.iter().any(|value| !value.is_finite()) {
                return fail(format!("{name}: every value must be a number"));
            }
            if range.start > range.end {
                return fail(format!("{name}: the start is after the end"));
            }
            if range.step < 0.0 || (range.step == 0.0 && range.start != range.end) {
                return fail(format!("{name}: the step must be above 0"));
            }
            if range.start < spec.min || range.end > spec.max {
                return fail(format!(
                    "{name}: values must lie between {} and {}",
                    spec.min, spec.max
                ));
            }
            if spec.kind == ParameterKind::Integer
                && values.iter().any(|value| value.fract() != 0.0)
            {
                return fail(format!("{name}: whole numbers only"));
            }
        }
        Ok(())
    }

    /// How many combinations the grid spans, before invalid ones are dropped.
    pub fn combinations(&self) -> usize {
        self.ranges
            .iter()
            .fold(1_usize, |total, range| total.saturating_mul(range.count()))
    }

    /// Every valid config, in a stable order (the last parameter varies fastest).
    /// Combinations the strategy rejects (a slow average shorter than the fast one) are
    /// left out; a grid with none left, or more than [`MAX_CONFIGS`], is refused.
    pub fn expand(&self, strategy: StrategyName) -> Result<Vec<StrategyConfig>, GridError> {
        self.check(strategy)?;
        let combinations = self.combinations();
        if combinations > MAX_CONFIGS {
            return fail(format!(
                "the grid spans {combinations} configs; at most {MAX_CONFIGS} are allowed"
            ));
        }
        let specs = strategy.parameters();
        let axes: Vec<ParameterRange> = specs
            .iter()
            .map(|spec| {
                self.ranges
                    .iter()
                    .find(|range| range.name == spec.name)
                    .cloned()
                    .unwrap_or(ParameterRange {
                        name: spec.name.to_owned(),
                        start: spec.default,
                        end: spec.default,
                        step: 0.0,
                    })
            })
            .collect();
        let mut configs = Vec::with_capacity(combinations);
        let mut values = vec![0.0; axes.len()];
        for mut index in 0..combinations {
            for (axis, slot) in axes.iter().zip(values.iter_mut()).rev() {
                let count = axis.count();
                *slot = axis.value(index % count);
                index /= count;
            }
            let config = strategy.config(&values);
            if config.validate().is_ok() {
                configs.push(config);
            }
        }
        if configs.is_empty() {
            return fail("no combination of this grid is a valid config");
        }
        Ok(configs)
    }
}

impl std::fmt::Display for Grid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, range) in self.ranges.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            if range.start == range.end {
                write!(f, "{}={}", range.name, range.start)?;
            } else {
                write!(
                    f,
                    "{}={}..{}:{}",
                    range.name, range.start, range.end, range.step
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_sma_grid_expands_to_every_valid_pair_in_order() {
        let grid = Grid::parse(StrategyName::SmaCrossover, "fast=5..20:5, slow=20..60:10")
            .expect("valid grid");
        assert_eq!(grid.combinations(), 4 * 5);
        let configs = grid.expand(StrategyName::SmaCrossover).expect("expands");
        // fast 20 with slow 20 is the one invalid pair.
        assert_eq!(configs.len(), 19);
        assert_eq!(
            configs[0],
            StrategyConfig::SmaCrossover { fast: 5, slow: 20 }
        );
        assert_eq!(
            configs[1],
            StrategyConfig::SmaCrossover { fast: 5, slow: 30 }
        );
        assert_eq!(
            configs.last(),
            Some(&StrategyConfig::SmaCrossover { fast: 20, slow: 60 })
        );
        assert_eq!(grid.to_string(), "fast=5..20:5,slow=20..60:10");
    }

    #[test]
    fn fractional_steps_land_on_the_typed_values_and_missing_parameters_take_defaults() {
        let grid =
            Grid::parse(StrategyName::BollingerBreakout, "width=1.5..2.1:0.3").expect("valid grid");
        let widths: Vec<f64> = grid
            .expand(StrategyName::BollingerBreakout)
            .expect("expands")
            .into_iter()
            .map(|config| match config {
                StrategyConfig::BollingerBreakout { period, width } => {
                    assert_eq!(period, 20);
                    width
                }
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(widths, vec![1.5, 1.8, 2.1]);
    }

    #[test]
    fn bad_grids_are_refused_with_a_message_naming_the_parameter() {
        let cases = [
            ("fast=5..20", "needs a step"),
            ("fast=a..20:5", "`a` is not a number"),
            ("speed=5", "has no parameter `speed`"),
            ("fast=20..5:5", "start is after the end"),
            ("fast=5..20:0", "step must be above 0"),
            ("fast=5.5", "whole numbers only"),
            ("fast=0..10:1", "between 1 and"),
            ("fast=5,fast=6", "appears twice"),
            ("fast=50,slow=10", "no combination"),
            ("fast=1..200:1,slow=2..200:1", "at most 10000"),
        ];
        for (text, expected) in cases {
            let result = Grid::parse(StrategyName::SmaCrossover, text)
                .and_then(|grid| grid.expand(StrategyName::SmaCrossover));
            let message = result.expect_err(text).0;
            assert!(message.contains(expected), "{text}: {message}");
        }
    }
}
