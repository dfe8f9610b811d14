using System.Globalization;
using System.Net;
using System.Text;

namespace PartnerMesh.AppHost.Hosting.Dashboard;

/// <summary>Server-rendered HTML, refreshed by the browser every few seconds; no scripts, no external assets.</summary>
internal static class DashboardPages
{
    private const string Style = """
        body{font:14px system-ui,sans-serif;margin:24px;color:#222}
        h1{font-size:20px} table{border-collapse:collapse} th,td{padding:4px 10px;text-align:left;border-bottom:1px solid #ddd;vertical-align:top}
        th{background:#f4f4f4} .healthy,.running{color:#137333} .failed,.unhealthy{color:#c5221f} .restarting,.starting,.migrating{color:#b06000}
        .pending,.stopped{color:#666} pre{background:#111;color:#ddd;padding:12px;overflow:auto;font:12px ui-monospace,monospace;white-space:pre-wrap}
        .err{color:#ff8a80} small{color:#666} a{color:#1a56c4}
        """;

    public static string Resources(ResourceRegistry registry)
    {
        var html = Page("PartnerMesh resources", refreshSeconds: 5);
        html.Append("<h1>PartnerMesh resources</h1>");
        html.Append("<table><tr><th>resource</th><th>kind</th><th>state</th><th>since</th><th>where</th><th>restarts</th><th>pid</th>")
            .Append("<th>telemetry received</th><th>detail</th><th>logs</th></tr>");
        var now = registry.TimeProvider.GetUtcNow();
        foreach (var r in registry.GetAll())
        {
            var state = r.State.ToString().ToLowerInvariant();
            var where = r.Url is { } url
                ? $"<a href=\"{E(url.ToString())}\">{E(url.ToString())}</a>"
                : E(r.Address ?? "");
            var telemetry = r.Telemetry.Count == 0
                ? ""
                : string.Join("<br>", r.Telemetry.Select(t =>
                    $"{E(t.Signal)}: {t.Requests} req, {FormatBytes(t.Bytes)} <small>({Ago(now - t.LastReceivedAt)} ago)</small>"));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td><b>{E(r.Name)}</b></td><td>{E(r.Kind)}</td><td class=\"{state}\">{state}</td>" +
                $"<td><small>{r.StateChangedAt:HH:mm:ss} ({Ago(now - r.StateChangedAt)} ago)</small></td><td>{where}</td>" +
                $"<td>{r.Restarts}</td><td>{r.ProcessId}</td><td>{telemetry}</td><td>{E(r.Detail ?? "")}</td>" +
                $"<td><a href=\"/resources/{Uri.EscapeDataString(r.Name)}/logs\">logs</a></td></tr>");
        }

        html.Append("</table><p><small>JSON: <a href=\"/api/resources\">/api/resources</a> · refreshes every 5 s</small></p>");
        return html.Append("</body></html>").ToString();
    }

    public static string Logs(ResourceRegistry registry, string name, int lines)
    {
        var resource = registry.Get(name);
        var log = registry.GetLog(name);
        var html = Page($"{resource.Name} logs", refreshSeconds: 3);
        var state = resource.State.ToString().ToLowerInvariant();
        html.Append(CultureInfo.InvariantCulture,
            $"<p><a href=\"/\">← resources</a></p><h1>{E(resource.Name)} <small class=\"{state}\">{state}</small></h1>");
        html.Append(CultureInfo.InvariantCulture,
            $"<p><small>last {lines} lines (kept in memory: {ResourceLog.Capacity}; everything in {E(log.FilePath ?? "")}) · ");
        html.Append(CultureInfo.InvariantCulture, $"<a href=\"?lines={ResourceLog.Capacity}\">show {ResourceLog.Capacity}</a></small></p>");
        html.Append("<h3>state history</h3><table><tr><th>at</th><th>state</th><th>detail</th></tr>");
        foreach (var change in resource.History.Reverse().Take(15))
        {
            var changed = change.State.ToString().ToLowerInvariant();
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{change.At:HH:mm:ss.fff}</td><td class=\"{changed}\">{changed}</td><td>{E(change.Detail ?? "")}</td></tr>");
        }

        html.Append("</table><h3>console</h3><pre>");
        foreach (var line in log.GetLines(lines))
        {
            var text = E($"{line.At:HH:mm:ss.fff} {line.Text}");
            html.Append(line.IsError ? $"<span class=\"err\">{text}</span>\n" : text + "\n");
        }

        return html.Append("</pre></body></html>").ToString();
    }

    private static StringBuilder Page(string title, int refreshSeconds) =>
        new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"{refreshSeconds}\">" +
            $"<title>{E(title)}</title><style>{Style}</style></head><body>");

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Ago(TimeSpan span) => span.TotalSeconds < 90
        ? $"{Math.Max(0, span.TotalSeconds):0} s"
        : span.TotalMinutes < 90 ? $"{span.TotalMinutes:0} min" : $"{span.TotalHours:0.0} h";

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KB",
        _ => $"{bytes / (1024.0 * 1024):0.0} MB",
    };
}
