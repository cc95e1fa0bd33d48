using System.Globalization;
using System.Security;
using System.Text;

namespace ConvEngine.Samples.Training;

/// <summary>
/// <c>curves.svg</c>, the chart d2l's <c>Animator</c> draws while training: x = epoch, one line each for train loss
/// (solid blue), train acc (dashed magenta) and test acc (dash-dot green), with grid, ticks, axis labels and a
/// legend. Written as SVG text: no plotting library is available.
/// </summary>
public static class CurvesSvg
{
    private const int Width = 720, Height = 440, Left = 60, Right = 560, Top = 40, Bottom = 390;

    private static readonly (string Label, string Color, string Dash, Func<EpochResult, double> Value)[] Series =
    [
        ("train loss", "#1f77b4", "", e => e.Loss),
        ("train acc", "#bf00bf", "8,4", e => e.TrainAcc),
        ("test acc", "#008000", "8,3,2,3", e => e.TestAcc),
    ];

    /// <summary>The chart of <paramref name="history"/> (at least one epoch) under <paramref name="title"/>.</summary>
    public static string Render(IReadOnlyList<EpochResult> history, string title)
    {
        if (history.Count == 0) throw new ConvEngineException("no epochs to plot");
        // d2l's xlim [1, num_epochs]; a single epoch still gets a unit-wide axis.
        double xMin = 1, xMax = Math.Max(2, history.Max(e => e.Epoch));
        var values = history.SelectMany(e => Series.Select(s => s.Value(e))).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        double yStep = NiceStep((values.Max() - values.Min()) / 5);
        double yMin = Math.Floor(values.Min() / yStep) * yStep, yMax = Math.Ceiling(values.Max() / yStep) * yStep;
        if (yMax <= yMin) yMax = yMin + yStep;
        double X(double epoch) => Left + (epoch - xMin) / (xMax - xMin) * (Right - Left);
        double Y(double v) => Bottom - (v - yMin) / (yMax - yMin) * (Bottom - Top);

        var svg = new StringBuilder();
        void Add(FormattableString element) => svg.Append(element.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Add($"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="sans-serif" font-size="12">""");
        Add($"""<rect width="{Width}" height="{Height}" fill="white"/>""");
        Add($"""<text x="{(Left + Right) / 2}" y="{Top - 15}" text-anchor="middle" font-size="14">{SecurityElement.Escape(title)}</text>""");

        double xStep = NiceStep((xMax - xMin) / 10, integer: true);
        for (double t = xMin; t <= xMax + 1e-9; t += xStep)
        {
            Add($"""<line x1="{X(t):F1}" y1="{Top}" x2="{X(t):F1}" y2="{Bottom}" stroke="#e0e0e0"/>""");
            Add($"""<line x1="{X(t):F1}" y1="{Bottom}" x2="{X(t):F1}" y2="{Bottom + 5}" stroke="black"/>""");
            Add($"""<text x="{X(t):F1}" y="{Bottom + 18}" text-anchor="middle">{t:0}</text>""");
        }
        int decimals = Math.Max(0, (int)Math.Ceiling(-Math.Log10(yStep) - 1e-9));
        for (double v = yMin; v <= yMax + yStep / 2; v += yStep)
        {
            string label = v.ToString("F" + decimals, CultureInfo.InvariantCulture);
            Add($"""<line x1="{Left}" y1="{Y(v):F1}" x2="{Right}" y2="{Y(v):F1}" stroke="#e0e0e0"/>""");
            Add($"""<line x1="{Left - 5}" y1="{Y(v):F1}" x2="{Left}" y2="{Y(v):F1}" stroke="black"/>""");
            Add($"""<text x="{Left - 8}" y="{Y(v) + 4:F1}" text-anchor="end">{label}</text>""");
        }
        Add($"""<rect x="{Left}" y="{Top}" width="{Right - Left}" height="{Bottom - Top}" fill="none" stroke="black"/>""");
        Add($"""<text x="{(Left + Right) / 2}" y="{Bottom + 38}" text-anchor="middle">epoch</text>""");

        foreach (var (label, color, dash, value) in Series)
        {
            var points = history.Where(e => double.IsFinite(value(e))).Select(e => FormattableString.Invariant($"{X(e.Epoch):F1},{Y(value(e)):F1}"));
            string dashAttribute = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
            Add($"""<polyline fill="none" stroke="{color}" stroke-width="2"{dashAttribute} points="{string.Join(" ", points)}"/>""");
            foreach (var e in history.Where(e => double.IsFinite(value(e))))
                Add($"""<circle cx="{X(e.Epoch):F1}" cy="{Y(value(e)):F1}" r="2.5" fill="{color}"/>""");
        }

        // The legend sits right of the plot, where no curve can hide it.
        for (int i = 0; i < Series.Length; i++)
        {
            var (label, color, dash, _) = Series[i];
            int y = Top + 10 + 22 * i;
            string dashAttribute = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
            Add($"""<line x1="{Right + 20}" y1="{y}" x2="{Right + 60}" y2="{y}" stroke="{color}" stroke-width="2"{dashAttribute}/>""");
            Add($"""<text x="{Right + 68}" y="{y + 4}">{label}</text>""");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    // 1, 2 or 5 times a power of ten, at least raw (at least 1 for the epoch axis).
    private static double NiceStep(double raw, bool integer = false)
    {
        if (!(raw > 0)) return integer ? 1 : 0.1;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw - 1e-12);
        return integer ? Math.Max(1, Math.Ceiling(step)) : step;
    }
}
