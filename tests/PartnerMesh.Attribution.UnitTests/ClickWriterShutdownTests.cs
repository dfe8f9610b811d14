using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerMesh.Attribution.Api;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.WebApi;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public sealed class ClickWriterShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AClickArrivingAfterTheWriterStopped_IsRefusedAsServiceStopping_NotAnError()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var writer = new ClickWriter(
            services.GetRequiredService<IServiceScopeFactory>(), new AttributionMetrics(services.GetRequiredService<IMeterFactory>()),
            Options.Create(new ClickWriterOptions()), NullLogger<ClickWriter>.Instance);
        await writer.StopAsync(Ct);

        var click = new Click { Id = Guid.NewGuid(), LinkId = Guid.NewGuid(), PartnerId = Guid.NewGuid(), Code = "code", VisitorId = "v-1", OccurredAt = DateTimeOffset.UtcNow };
        var recorded = new ClickRecorded
        {
            EventId = Guid.NewGuid(), OccurredAt = click.OccurredAt, ClickId = click.Id, LinkId = click.LinkId, PartnerId = click.PartnerId, Code = "code",
        };

        var refused = await Assert.ThrowsAsync<ServiceStoppingException>(() => writer.WriteAsync(click, recorded, TimeSpan.Zero, visitorKnown: false, Ct));
        Assert.Equal(503, ExceptionStatusCodes.For(refused));
    }
}
