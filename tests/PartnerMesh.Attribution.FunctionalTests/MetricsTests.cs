using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PartnerMesh.Attribution.Api;
using PartnerMesh.ServiceDefaults.Security;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

public sealed class MetricsTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>, IDisposable
{
    private readonly ConcurrentBag<(string Instrument, double Value, string? Attributed)> _measurements = [];
    private readonly MeterListener _listener = new();

    private void Listen()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AttributionMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? attributed = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "attributed")
            {
                attributed = tag.Value as string;
            }
        }

        _measurements.Add((instrument.Name, value, attributed));
    }

    [Fact]
    public async Task ClickAndAttributedConversion_AreCounted()
    {
        var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var partner = await admin.CreatePartnerAsync(0.2m);
        var link = await admin.CreateLinkAsync(partner.Id);
        Listen();

        var clickId = await factory.CreateAnonymousClient().ClickAsync(link.Code);
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Storefront)
            .RecordConversionAsync($"order-{Guid.NewGuid():N}", 50m, clickId);
        response.EnsureSuccessStatusCode();

        // Other test classes run in parallel in this process, so assert "at least": our own measurements are there.
        Assert.Contains(_measurements, m => m.Instrument == "partnermesh.attribution.clicks" && m.Value == 1);
        Assert.Contains(_measurements, m => m.Instrument == "partnermesh.attribution.conversions" && m.Attributed == "true");
        Assert.Contains(_measurements, m => m.Instrument == "partnermesh.attribution.commission" && m.Value == 10.0);
    }

    public void Dispose() => _listener.Dispose();
}
