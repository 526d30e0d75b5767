// Text formatting shared by the benchmarks (no Foundation).

/// `value` with `digits` decimals.
func format(_ value: Double, digits: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = scaled / Int(scale), fraction = scaled % Int(scale)
    guard digits > 0 else { return "\(whole)" }
    let fractionText = String(fraction)
    return "\(whole)." + String(repeating: "0", count: digits - fractionText.count) + fractionText
}

/// A rate with thousands grouped as k/M (e.g. 12.34M).
func formatRate(_ value: Double) -> String {
    if value >= 1e6 { return format(value / 1e6, digits: 2) + "M" }
    if value >= 1e3 { return format(value / 1e3, digits: 1) + "k" }
    return format(value, digits: 0)
}

/// `text` padded with spaces to `width` columns (at least one space after it).
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
