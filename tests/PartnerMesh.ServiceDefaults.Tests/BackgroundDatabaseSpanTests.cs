using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

public sealed class BackgroundDatabaseSpanTests
{
    [Fact]
    public void DatabaseCommandsWithoutAParent_AreNotExported_ThoseInsideWorkAre()
    {
        var exported = new ConcurrentQueue<string>();
        var builder = Host.CreateApplicationBuilder();
        builder.ConfigureOpenTelemetry();
        // Stands in for the OTLP exporter, registered after the defaults as UseOtlpExporter is: it sees what would be sent.
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new ExportRecorder(exported)));
        using var host = builder.Build();
        _ = host.Services.GetRequiredService<TracerProvider>();
        using var database = new ActivitySource("Npgsql");
        using var work = new ActivitySource(PartnerMeshTelemetry.ActivitySourcePrefix + "Tests");

        using (database.StartActivity("idle poll"))
        {
        }

        using (work.StartActivity("request"))
        using (database.StartActivity("request query"))
        {
        }

        Assert.Equal(["request query", "request"], exported);
    }

    private sealed class ExportRecorder(ConcurrentQueue<string> exported) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            // Only this test's sources: the provider also sees requests other tests in the process serve meanwhile.
            if (data.Recorded && (data.Source.Name == "Npgsql" || data.Source.Name == PartnerMeshTelemetry.ActivitySourcePrefix + "Tests"))
            {
                exported.Enqueue(data.DisplayName);
            }
        }
    }
}
