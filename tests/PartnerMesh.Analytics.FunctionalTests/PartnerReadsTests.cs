using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Scorecards;
using PartnerMesh.Analytics.Api.Segments;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Admin reads of customers' segments and of one partner: merchant-wide segments answer (no untyped null parameter
/// reaches PostgreSQL), a partner analytics never heard of is 404, a known partner without data is 200 with zeros.
/// </summary>
public class PartnerReadsTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    /// <summary>Every admin read of one partner; <c>{0}</c> is the partner id.</summary>
    public static TheoryData<string> PerPartnerReads =>
    [
        "/api/analytics/partners/{0}/scorecard",
        "/api/analytics/partners/{0}/daily",
        "/api/analytics/segments?partnerId={0}",
        "/api/analytics/kpis?dimension=partner&value={0}",
        "/api/analytics/kpis?dimension=partner&partnerId={0}",
        "/api/analytics/kpis?dimensions=partner,campaign&value={0}",
    ];

    [Fact]
    public async Task Segments_AsAdminWithoutAPartner_CountsEveryCustomer()
    {
        var customer = $"c-{Guid.NewGuid():N}";
        await factory.IngestAsync([Behaviour.Event(EventTypes.OrderCompleted, DateTimeOffset.UtcNow, order: $"o-{customer}", amount: 20m, customer: customer)], Ct);
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Customers.AnyAsync(c => c.CustomerId == customer && c.Segments.Length > 0, Ct)));

        var report = await (await Admin.GetAsync("/api/analytics/segments", Ct)).ShouldBeAsync<SegmentReport>(HttpStatusCode.OK);

        Assert.Null(report.PartnerId);
        Assert.Equal(SegmentNames.All, report.Segments.Select(s => s.Segment));
        Assert.True(report.Segments.Single(s => s.Segment == SegmentNames.FirstTimeBuyers).Customers >= 1);
    }

    [Theory]
    [MemberData(nameof(PerPartnerReads))]
    public async Task Get_OfAPartnerAnalyticsNeverHeardOf_Returns404(string path)
    {
        var partner = Guid.NewGuid();

        var problem = await (await Admin.GetAsync(path.Replace("{0}", partner.ToString(), StringComparison.Ordinal), Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        Assert.Contains(partner.ToString(), problem.Detail);
    }

    [Fact]
    public async Task Kpis_ForAPartnerValueThatIsNoPartnerId_Returns404()
    {
        var response = await Admin.GetAsync("/api/analytics/kpis?dimension=partner&value=not-a-partner", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(PerPartnerReads))]
    public async Task Get_OfARegisteredPartnerWithoutData_Returns200(string path)
    {
        var partner = Guid.NewGuid();
        await factory.PublishAsync(TestEvents.PartnerRegistered(partner, "Quiet Partner"));
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Partners.AnyAsync(p => p.Id == partner, Ct)));

        var response = await Admin.GetAsync(path.Replace("{0}", partner.ToString(), StringComparison.Ordinal), Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    [Fact]
    public async Task Get_OfAKnownPartnerWithoutData_AnswersZeros()
    {
        var partner = Guid.NewGuid();
        await factory.PublishAsync(TestEvents.PartnerRegistered(partner, "Quiet Partner"));
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Partners.AnyAsync(p => p.Id == partner, Ct)));

        var scorecard = await (await Admin.GetAsync($"/api/analytics/partners/{partner}/scorecard", Ct)).ShouldBeAsync<Scorecard>(HttpStatusCode.OK);
        var daily = await (await Admin.GetAsync($"/api/analytics/partners/{partner}/daily", Ct)).ShouldBeAsync<PartnerDailyKpisResponse>(HttpStatusCode.OK);
        var kpis = await (await Admin.GetAsync($"/api/analytics/kpis?dimension=partner&value={partner}", Ct)).ShouldBeAsync<KpiReport>(HttpStatusCode.OK);

        Assert.Equal(("Quiet Partner", 0L, 0L), (scorecard.PartnerName, scorecard.Kpis.Orders, scorecard.Kpis.Sessions));
        Assert.Equal((0, 0L), (daily.Days.Count, daily.Totals.Clicks));
        Assert.Equal(0L, kpis.Total().Orders);
    }

    [Fact]
    public async Task Get_OfAPartnerKnownOnlyFromItsEvents_Returns200()
    {
        var partner = Guid.NewGuid();
        await factory.IngestAsync([Behaviour.Event(EventTypes.PageView, DateTimeOffset.UtcNow, session: $"s-{partner}", partner: partner)], Ct);
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Sessions.AnyAsync(s => s.SessionId == $"s-{partner}", Ct)));

        var scorecard = await (await Admin.GetAsync($"/api/analytics/partners/{partner}/scorecard", Ct)).ShouldBeAsync<Scorecard>(HttpStatusCode.OK);

        Assert.Equal((null, 1L), (scorecard.PartnerName, scorecard.Kpis.Sessions));
    }

    [Fact]
    public async Task Get_WithAPartnersOwnToken_IsNotAskedWhetherAnalyticsKnowsIt()
    {
        // The token's issuer vouches for the partner: a partner new to analytics sees zeros, not 404.
        var partner = Guid.NewGuid();
        var client = factory.CreatePartnerClient(partner);

        var scorecard = await (await client.GetAsync($"/api/analytics/partners/{partner}/scorecard", Ct)).ShouldBeAsync<Scorecard>(HttpStatusCode.OK);
        var segments = await (await client.GetAsync("/api/analytics/segments", Ct)).ShouldBeAsync<SegmentReport>(HttpStatusCode.OK);

        Assert.Equal(0L, scorecard.Kpis.Orders);
        Assert.Equal(partner, segments.PartnerId);
    }
}
