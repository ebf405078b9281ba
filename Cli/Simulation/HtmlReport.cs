using System.Globalization;
using System.Net;
using System.Text;

namespace Discovery.Cli.Simulation;

/// <summary>One self-contained HTML file with inline SVG charts: readable offline, no script, no CDN.</summary>
public static class HtmlReport
{
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#7f7f7f", "#9467bd", "#ff7f0e"];
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Render(SimulationReport report)
    {
        var r = report.Results;
        var html = new StringBuilder();
        html.Append($$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Discovery simulation</title>
            <style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}
            svg{background:#fff;border:1px solid #ddd;margin:8px 0}figure{margin:1.5em 0}figcaption{font-weight:600}</style></head><body>
            <h1>Discovery simulation</h1>
            <p>{{report.Nodes}} nodes, {{report.Vms}} VMs, {{report.Sites}} site(s), {{report.Duration}} s of infrastructure time per scheduler,
            speedup {{report.Speedup}} (scheduler computation counted {{report.Speedup}} times), seed {{report.Seed}}. Ground truth from the simulated hypervisor.</p>
            <table><tr><th>scheduler</th><th>violation s</th><th>mean load</th><th>overloads</th><th>events</th><th>resolved</th><th>pressures relieved</th><th>resolution p50 ms</th>
            <th>p99 ms</th><th>migrations</th><th>re-overloads</th><th>solver p50 ms</th><th>max partition</th><th>stuck reservations</th><th>wall s</th>
            <th>CPU s</th><th>monitoring CPU s</th><th>solver CPU s</th></tr>
            """);
        foreach (var x in r)
            html.Append(C, $"<tr><td>{Enc(x.Scheduler)}</td><td>{x.ViolationSeconds:0.0}</td><td>{x.MeanLoad:P1}</td><td>{x.Overloads}</td><td>{x.Events}</td><td>{x.Resolved}</td><td>{x.Relieved} of {x.Pressures}</td>" +
                $"<td>{x.ResolutionP50Ms:0}</td><td>{x.ResolutionP99Ms:0}</td><td>{x.Migrations}</td><td>{x.ReOverloads}</td><td>{x.SolverP50Ms:0.0}</td><td>{x.MaxPartition}</td>" +
                $"<td>{x.StuckReservations}</td><td>{x.WallSeconds:0}</td><td>{x.CpuSeconds:0}</td><td>{x.MonitoringCpuSeconds:0.0}</td><td>{x.SolverCpuSeconds:0.0}</td></tr>");
        html.Append("</table>");

        html.Append(Chart("Cumulated violation time", "time (s)", "violation (s)",
            r.Select(x => (x.Scheduler, x.Series.Select(s => (s.T, s.CumulatedViolationSeconds)).ToList()))));
        html.Append(Chart("Violation time per node (nodes sorted, worst first)", "node rank", "violation (s)",
            r.Select(x => (x.Scheduler, x.ViolationPerNode.OrderByDescending(v => v).Select((v, i) => ((double)i, v)).ToList()))));
        html.Append(Chart("Cluster CPU load", "time (s)", "mean load", r.Select(x => (x.Scheduler, x.Series.Select(s => (s.T, s.MeanLoad)).ToList()))));
        html.Append(Chart("Overloaded nodes", "time (s)", "nodes", r.Select(x => (x.Scheduler, x.Series.Select(s => (s.T, (double)s.OverloadedNodes)).ToList()))));
        html.Append(Chart("Resolution time distribution (CDF)", "resolution time (s)", "fraction of resolved events",
            r.Where(x => x.ResolutionTimesMs.Count > 0).Select(x => (x.Scheduler,
                x.ResolutionTimesMs.Select((v, i) => (v / 1000, (i + 1.0) / x.ResolutionTimesMs.Count)).ToList()))));
        html.Append(Chart("Partition sizes of solved events (CDF)", "nodes in the partition", "fraction of solved events",
            r.Where(x => x.PartitionSizes.Count > 0).Select(x => (x.Scheduler,
                x.PartitionSizes.Order().Select((v, i) => ((double)v, (i + 1.0) / x.PartitionSizes.Count)).ToList()))));
        foreach (var x in r.Where(x => x.Timeline.Count > 0))
            html.Append(Timeline($"Partition timeline of {x.Scheduler} (the seed's Paje view)", x.Timeline, report.Nodes));
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>Most partitions drawn in one timeline: beyond that the window shrinks, so each stays readable.</summary>
    public const int TimelineMaxPartitions = 1500;

    /// <summary>
    /// The window of the timeline: from a tenth of the run (past the start-up transient), as long as holds at most
    /// <see cref="TimelineMaxPartitions"/> partitions, and at most 600 s.
    /// </summary>
    public static (double From, double To) TimelineWindow(IReadOnlyList<PartitionSpan> spans)
    {
        var end = spans.Max(p => p.End);
        var from = Math.Floor(end / 10);
        var inWindow = spans.Where(p => p.Start >= from).OrderBy(p => p.Start).ToList();
        var to = Math.Min(from + 600, end);
        if (inWindow.Count > TimelineMaxPartitions) to = Math.Min(to, inWindow[TimelineMaxPartitions - 1].Start);
        return (from, Math.Max(to, from + 1));
    }

    /// <summary>
    /// Which nodes each partition held, when: one row per node (in overlay order: sites then names), one bar per
    /// partition and node from its start to its end, coloured per partition; partitions that did not solve their
    /// event are outlined in red. Nodes held at the end are drawn (an absorbed partition's went to its absorber).
    /// </summary>
    private static string Timeline(string title, IReadOnlyList<PartitionSpan> spans, int nodeCount)
    {
        var (from, to) = TimelineWindow(spans);
        var shown = spans.Where(p => p.End >= from && p.Start <= to && p.Nodes.Count > 0).ToList();
        var rows = shown.SelectMany(p => p.Nodes).Distinct().Order(StringComparer.Ordinal).Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        const int w = 900, left = 70, right = 20, top = 10, bottom = 40;
        var rowHeight = rows.Count == 0 ? 4 : Math.Clamp(600.0 / rows.Count, 1, 8);
        var h = (int)Math.Ceiling(top + bottom + rowHeight * Math.Max(1, rows.Count));
        double X(double t) => left + (Math.Clamp(t, from, to) - from) / (to - from) * (w - left - right);
        var sb = new StringBuilder($"<figure><figcaption>{Enc(title)}</figcaption>");
        sb.Append(C, $"<p>{shown.Count} partitions between {from:0} s and {to:0} s on {rows.Count} of {nodeCount} nodes (rows in overlay order).</p>");
        if (shown.Count == 0) return sb.Append("<p>no partition in the window</p></figure>").ToString();
        sb.Append(C, $"<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">");
        for (var i = 0; i <= 5; i++)
        {
            var t = from + (to - from) * i / 5;
            sb.Append(C, $"<line x1=\"{X(t):0.#}\" x2=\"{X(t):0.#}\" y1=\"{top}\" y2=\"{h - bottom}\" stroke=\"#eee\"/>");
            sb.Append(C, $"<text x=\"{X(t):0.#}\" y=\"{h - bottom + 16}\" text-anchor=\"middle\">{Fmt(t)}</text>");
        }
        AxisLabels(sb, "time (s)", "nodes", w, h, left, right, top, bottom);
        foreach (var p in shown)
        {
            var hue = (uint)StringComparer.Ordinal.GetHashCode(p.Nodes[0] + p.Start.ToString(C)) % 360;
            var failed = p.Outcome is not ("Solved" or "Vanished" or "Absorbed");
            var x = X(p.Start);
            var width = Math.Max(1, X(p.End) - x);
            var stroke = failed ? " stroke=\"#d00\"" : "";
            foreach (var node in p.Nodes)
                sb.Append(C, $"<rect x=\"{x:0.#}\" y=\"{top + rows[node] * rowHeight:0.#}\" width=\"{width:0.#}\" height=\"{Math.Max(1, rowHeight - 0.5):0.#}\" fill=\"hsl({hue},70%,50%)\"{stroke}><title>{Enc(p.Nodes[0])} {p.Outcome} {p.Start:0.0}-{p.End:0.0} s</title></rect>");
        }
        return sb.Append("</svg></figure>").ToString();
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    /// <summary>A line chart of several series, with axes, ticks and a legend.</summary>
    private static string Chart(string title, string xLabel, string yLabel, IEnumerable<(string Name, List<(double X, double Y)> Points)> series)
    {
        var all = series.Where(s => s.Points.Count > 0).ToList();
        const int w = 900, h = 320, left = 70, right = 20, top = 20, bottom = 50;
        var sb = new StringBuilder($"<figure><figcaption>{Enc(title)}</figcaption>");
        if (all.Count == 0) return sb.Append("<p>no data</p></figure>").ToString();
        var xMax = Math.Max(1e-9, all.Max(s => s.Points.Max(p => p.X)));
        var yMax = Math.Max(1e-9, all.Max(s => s.Points.Max(p => p.Y)));
        double X(double x) => left + x / xMax * (w - left - right);
        double Y(double y) => h - bottom - y / yMax * (h - top - bottom);
        sb.Append(C, $"<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">");
        for (var i = 0; i <= 5; i++)
        {
            var yv = yMax * i / 5;
            var xv = xMax * i / 5;
            sb.Append(C, $"<line x1=\"{left}\" x2=\"{w - right}\" y1=\"{Y(yv):0.#}\" y2=\"{Y(yv):0.#}\" stroke=\"#eee\"/>");
            sb.Append(C, $"<text x=\"{left - 6}\" y=\"{Y(yv) + 4:0.#}\" text-anchor=\"end\">{Fmt(yv)}</text>");
            sb.Append(C, $"<text x=\"{X(xv):0.#}\" y=\"{h - bottom + 16}\" text-anchor=\"middle\">{Fmt(xv)}</text>");
        }
        sb.Append(C, $"<line x1=\"{left}\" y1=\"{h - bottom}\" x2=\"{w - right}\" y2=\"{h - bottom}\" stroke=\"#333\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{h - bottom}\" stroke=\"#333\"/>");
        AxisLabels(sb, xLabel, yLabel, w, h, left, right, top, bottom);
        for (var i = 0; i < all.Count; i++)
        {
            var (name, points) = all[i];
            var color = Colors[i % Colors.Length];
            var step = Math.Max(1, points.Count / 2000); // keep the file small on long runs
            var path = string.Join(" ", points.Where((_, k) => k % step == 0 || k == points.Count - 1).Select(p => string.Create(C, $"{X(p.X):0.#},{Y(p.Y):0.#}")));
            sb.Append($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\" points=\"{path}\"/>");
            sb.Append(C, $"<rect x=\"{left + 10 + i * 140}\" y=\"{top}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{left + 26 + i * 140}\" y=\"{top + 10}\">{Enc(name)}</text>");
        }
        return sb.Append("</svg></figure>").ToString();
    }

    /// <summary>The x label under the plot area and the y label along its left side.</summary>
    private static void AxisLabels(StringBuilder sb, string xLabel, string yLabel, int w, int h, int left, int right, int top, int bottom)
    {
        sb.Append(C, $"<text x=\"{(left + w - right) / 2}\" y=\"{h - 10}\" text-anchor=\"middle\">{Enc(xLabel)}</text>");
        sb.Append(C, $"<text x=\"14\" y=\"{(top + h - bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {(top + h - bottom) / 2})\">{Enc(yLabel)}</text>");
    }

    private static string Fmt(double v) => v switch
    {
        >= 10_000 => (v / 1000).ToString("0.#", C) + "k",
        >= 100 => v.ToString("0", C),
        >= 1 => v.ToString("0.#", C),
        _ => v.ToString("0.##", C),
    };
}
