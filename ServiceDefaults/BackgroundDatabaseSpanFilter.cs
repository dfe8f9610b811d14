using System.Diagnostics;
using OpenTelemetry;

namespace PartnerMesh.ServiceDefaults;

/// <summary>
/// Keeps database commands that belong to nothing out of the exported traces: the outbox relay's claim query every
/// second and the health checks every 10 s would each export a one-span trace in every service. Commands inside a
/// request, a consumed message or a relay publish have a parent and are kept. Registered before the exporters, so
/// clearing the recorded flag at start keeps the span from being exported.
/// </summary>
internal sealed class BackgroundDatabaseSpanFilter : BaseProcessor<Activity>
{
    public const string NpgsqlSourceName = "Npgsql";

    public override void OnStart(Activity data)
    {
        if (data.Source.Name == NpgsqlSourceName && data.Parent is null && data.ParentSpanId == default)
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
