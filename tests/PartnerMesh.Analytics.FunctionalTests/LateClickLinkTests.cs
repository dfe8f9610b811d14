using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Clicks are group-committed and relayed through attribution's outbox, so a landing page's events often reach analytics
/// before the click's <c>ClickRecorded</c>. The late click links them: what the events naming it, and the rest of their
/// session, counted without a partner moves into the click's partner's rows and pairs, once.
/// </summary>
public class LateClickLinkTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    private static string PartnerUrl(Guid partner) => Behaviour.KpiUrl("partner", partner.ToString(), Today.AddDays(-1), Today.AddDays(1));

    private static string CampaignUrl(string campaign) => Behaviour.KpiUrl("campaign", campaign, Today.AddDays(-1), Today.AddDays(1));

    [Fact]
    public async Task ClickRecordedAfterTheEventsNamingIt_MovesThemAndTheirSessionIntoThePartnersKpis_Once()
    {
        var partner = Guid.NewGuid();
        var campaign = $"late-click-{partner:N}";
        var (session, cart, order, customer) = ($"s-{partner}", $"cart-{partner}", $"o-{partner}", $"c-{partner}");
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        var click = Events.Click(partner, at.AddSeconds(-2));

        // The landing page names the click; the rest of the session does not.
        var landing = Behaviour.Event(EventTypes.PageView, at, campaign, session: session);
        landing["clickId"] = click.ClickId;
        await factory.IngestAsync(
            [
                landing,
                Behaviour.Event(EventTypes.ProductView, at.AddMinutes(1), campaign, session: session),
                Behaviour.Event(EventTypes.AddToCart, at.AddMinutes(2), campaign, session: session, cart: cart, amount: 30m),
                Behaviour.Event(EventTypes.OrderCompleted, at.AddMinutes(3), campaign, session: session, cart: cart, order: order, amount: 30m, customer: customer),
            ],
            Ct);
        await factory.WaitForReportAsync(CampaignUrl(campaign), r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct);
        var before = await factory.QueryDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.SessionId == session, Ct));
        Assert.Equal((null, click.ClickId), (before.PartnerId, before.PendingClickId));

        await factory.PublishAsync(click);
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Sessions.AnyAsync(s => s.SessionId == session && s.PartnerId == partner, Ct)));

        var linked = (await factory.WaitForReportAsync(PartnerUrl(partner), r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct)).Total();
        Assert.Equal((1L, 1L, 1L, 1L, 1L), (linked.Clicks, linked.Sessions, linked.PageViews, linked.ProductViews, linked.AddToCarts));
        Assert.Equal((1L, 1L, 1L, 1m), (linked.Carts, linked.ConvertedSessions, linked.CustomerOrders, linked.ConversionRate));
        Assert.Equal(30m, Assert.Single(linked.Sales).Revenue);
        var pair = (await factory.ReportAsync(
            $"/api/analytics/kpis?dimensions=partner,campaign&value={partner}&value2={campaign}&from={Today.AddDays(-1):yyyy-MM-dd}&to={Today.AddDays(1):yyyy-MM-dd}", Ct)).Total();
        Assert.Equal((1L, 1L, 1L, 1L), (pair.Sessions, pair.PageViews, pair.Orders, pair.Carts));
        // The merchant-wide and campaign rows keep the events once; their revenue is now partner revenue.
        var campaignRows = (await factory.ReportAsync(CampaignUrl(campaign), Ct)).Total();
        Assert.Equal((1L, 1L, 1L), (campaignRows.Sessions, campaignRows.PageViews, campaignRows.Orders));
        Assert.Equal(30m, Assert.Single(campaignRows.Sales).PartnerRevenue);
        Assert.Equal(0, await factory.QueryDbAsync(db => db.UnlinkedClickEvents.CountAsync(u => u.ClickId == click.ClickId, Ct)));

        // The session is the partner's now: its next event counts for the partner directly.
        await factory.IngestAsync([Behaviour.Event(EventTypes.PageView, at.AddMinutes(4), campaign, session: session)], Ct);
        await factory.WaitForReportAsync(PartnerUrl(partner), r => r.Total().PageViews == 2, Ct);

        // A redelivery (inbox) and a republication under a new event id (log key) move nothing again.
        using (var duplicates = new InboxDuplicates(factory.Services))
        {
            await factory.PublishAsync(click);
            await duplicates.WaitForAsync(1, "RecordClicksConsumer");
        }

        var republished = click with { EventId = Guid.NewGuid() };
        await factory.PublishAsync(republished);
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.MessageId == republished.EventId, Ct)));
        await WaitUntilAggregatedAsync();
        var again = (await factory.ReportAsync(PartnerUrl(partner), Ct)).Total();
        Assert.Equal((1L, 1L, 2L, 1L, 1L), (again.Clicks, again.Sessions, again.PageViews, again.Orders, again.Carts));
        var campaignAgain = (await factory.ReportAsync(CampaignUrl(campaign), Ct)).Total();

        // A replay (the click known from the start) gives the same numbers.
        await factory.ReplayAsync(Ct);
        Assert.Equal(JsonSerializer.Serialize(again), JsonSerializer.Serialize((await factory.ReportAsync(PartnerUrl(partner), Ct)).Total()));
        Assert.Equal(JsonSerializer.Serialize(campaignAgain), JsonSerializer.Serialize((await factory.ReportAsync(CampaignUrl(campaign), Ct)).Total()));
    }

    [Fact]
    public async Task EventsOfAClickNeverRecorded_StayWithoutAPartner()
    {
        var clickId = Guid.NewGuid();
        var campaign = $"no-click-{clickId:N}";
        var landing = Behaviour.Event(EventTypes.PageView, DateTimeOffset.UtcNow.AddMinutes(-1), campaign, session: $"s-{clickId}");
        landing["clickId"] = clickId;

        await factory.IngestAsync([landing], Ct);

        await factory.WaitForReportAsync(CampaignUrl(campaign), r => r.Totals.Count == 1 && r.Total().PageViews == 1, Ct);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.UnlinkedClickEvents.CountAsync(u => u.ClickId == clickId, Ct)));
        var partnerRows = await factory.QueryDbAsync(db => db.Aggregates.CountAsync(a => a.Dimension == "partner,campaign" && a.DimensionValue2 == campaign, Ct));
        Assert.Equal(0, partnerRows);
    }

    private Task WaitUntilAggregatedAsync() =>
        Eventually.UntilAsync(async () =>
            (await (await Admin.GetAsync("/api/analytics/admin/status", Ct)).ShouldBeAsync<AggregationStatus>(HttpStatusCode.OK)).PendingEvents == 0);
    [Fact]
    public async Task EventsWaitingForAClickPastTheRetention_AreForgottenBySweeping()
    {
        var (stale, fresh) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await factory.QueryDbAsync(async db =>
        {
            db.UnlinkedClickEvents.AddRange(
                new UnlinkedClickEvent { Id = stale, ClickId = Guid.NewGuid(), Type = EventTypes.PageView, TrafficSource = "direct", OccurredAt = DateTimeOffset.UtcNow.AddDays(-8) },
                new UnlinkedClickEvent { Id = fresh, ClickId = Guid.NewGuid(), Type = EventTypes.PageView, TrafficSource = "direct", OccurredAt = DateTimeOffset.UtcNow.AddDays(-6) });
            return await db.SaveChangesAsync(Ct);
        });

        // The sweep skips a round while the aggregation holds its lock: sweep until it has run.
        await Eventually.UntilAsync(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<Sweeper>().SweepAsync(Ct);
            return !await factory.QueryDbAsync(db => db.UnlinkedClickEvents.AnyAsync(u => u.Id == stale, Ct));
        });

        Assert.True(await factory.QueryDbAsync(db => db.UnlinkedClickEvents.AnyAsync(u => u.Id == fresh, Ct)));
    }
}
