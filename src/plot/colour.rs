//! The diverging colour scale of the heat maps.

use plotters::style::RGBColor;

/// Colour of the most negative value: a dark blue.
const NEGATIVE: RGBColor = RGBColor(33, 102, 172);

/// Colour of 0.
const ZERO: RGBColor = RGBColor(247, 247, 247);

/// Colour of the most positive value: a dark red.
const POSITIVE: RGBColor = RGBColor(178, 24, 43);

/// Returns the colour of `value` on a scale from −`limit` (blue) through 0
/// (near-white) to +`limit` (red). Values beyond the limit get the end
/// colours, and a `limit` that is not positive maps everything to 0's colour.
pub(crate) fn diverging(value: f64, limit: f64) -> RGBColor {
    if limit.is_nan() || limit <= 0.0 {
        return ZERO;
    }
    let t = (value / limit).clamp(-1.0, 1.0);
    let end = if t < 0.0 { NEGATIVE } else { POSITIVE };
    mix(ZERO, end, t.abs())
}

/// Interpolates linearly from `from` (at 0) to `to` (at 1) in sRGB.
fn mix(from: RGBColor, to: RGBColor, t: f64) -> RGBColor {
    let channel = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(
        channel(from.0, to.0),
        channel(from.1, to.1),
        channel(from.2, to.2),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_ends_and_middle() {
        assert_eq!(diverging(-2.0, 2.0), NEGATIVE);
        assert_eq!(diverging(0.0, 2.0), ZERO);
        assert_eq!(diverging(2.0, 2.0), POSITIVE);
    }

    #[test]
    fn values_beyond_limit_clamp() {
        assert_eq!(diverging(-5.0, 1.0), NEGATIVE);
        assert_eq!(diverging(5.0, 1.0), POSITIVE);
    }

    #[test]
    fn zero_limit_gives_middle() {
        assert_eq!(diverging(3.0, 0.0), ZERO);
        assert_eq!(diverging(3.0, f64::NAN), ZERO);
    }
}
