"""Line charts as SVG, drawn on the server (no script, nothing the CSP must allow)."""

def line_chart(series, start, end, top, label, width=560, height=160, left=52, bottom=24):
    """An SVG line of (date, value): x placed by date from ``start`` to
    ``end``, y from zero to ``top``, both axes labelled with ``label``."""
    plot_w, plot_h = width - left - 8, height - bottom - 8
    days = max((end - start).days, 1)

    def x(day):
        return round(left + (day - start).days / days * plot_w, 1)

    def y(value):
        return round(8 + plot_h - value / top * plot_h, 1)

    return {
        "width": width,
        "height": height,
        "points": " ".join(f"{x(day)},{y(value)}" for day, value in series),
        "dots": [{"x": x(day), "y": y(value), "day": day, "label": label(value)} for day, value in series],
        "y_ticks": [{"y": y(v), "label": label(v)} for v in (0, top // 2, top)],
        # The last date ends at the right edge instead of standing half outside it.
        "x_ticks": [{"x": x(day), "day": day, "anchor": "end" if day == end else "middle"}
                    for day in sorted({start, start + (end - start) / 2, end})],
        "axis": {"left": left, "bottom": y(0), "right": left + plot_w, "top": y(top)},
        "latest": (series[-1][0], label(series[-1][1])),
    }


def nice_ceiling(value):
    """The axis top above ``value``: 1, 2 or 5 times a power of ten (37.538 → 50.000)."""
    magnitude = 10 ** max(len(str(max(int(value), 1))) - 1, 0)
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= value)
