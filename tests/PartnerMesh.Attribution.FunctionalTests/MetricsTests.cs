using PartnerMesh.Attribution.Api;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

public sealed class MetricsTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    [Fact]
    public async Task ClickAndAttributedConversion_AreCounted()
    {
        var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var partner = await admin.CreatePartnerAsync(0.2m);
        var link = await admin.CreateLinkAsync(partner.Id);
        using var metrics = new MeasurementRecorder(factory.Services, AttributionMetrics.MeterName);

        var clickId = await factory.CreateAnonymousClient().ClickAsync(link.Code);
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Storefront)
            .RecordConversionAsync($"order-{Guid.NewGuid():N}", 50m, clickId, orderedAt: DateTimeOffset.UtcNow.AddMinutes(1));
        response.EnsureSuccessStatusCode();

        // Only this host's meter is recorded, so these are exactly this test's measurements.
        Assert.Equal(
            [("partnermesh.attribution.clicks.commit_batch_size", 1.0), ("partnermesh.attribution.clicks", 1.0), ("partnermesh.attribution.conversions", 1.0), ("partnermesh.attribution.commission", 10.0)],
            metrics.Measurements.Where(m => m.Instrument != "partnermesh.attribution.clicks.commit_duration").Select(m => (m.Instrument, m.Value)));
        Assert.Equal([1.0], metrics.ValuesTagged("attributed", "true", "partnermesh.attribution.conversions"));
        Assert.Equal([10.0], metrics.ValuesTagged("currency", "EUR", "partnermesh.attribution.commission"));
    }
}
