using System.Net;
using Microsoft.EntityFrameworkCore;
using System.Net.Http.Json;
using PartnerMesh.Attribution.Api;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// Clicks are written by group commit (<see cref="ClickWriter"/>): a burst shares commits, yet every acknowledged click
/// is in the database with its event, and one visitor's repeats still collapse into one click.
/// </summary>
public class ClickGroupCommitTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BurstOfNewShoppers_EveryAcknowledgedClickIsStoredOnceWithItsEvent_InFewerCommitsThanClicks()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        using var metrics = new MeasurementRecorder(factory.Services, AttributionMetrics.MeterName);

        var clickIds = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => _shopper.ClickAsync(link.Code)));

        Assert.Equal(300, clickIds.Distinct().Count());
        var stored = await factory.QueryDbAsync(db => db.Clicks.Where(c => c.LinkId == link.Id).Select(c => c.Id).ToListAsync(Ct));
        Assert.Equal(clickIds.Order(), stored.Order());
        var events = await factory.OutboxEventsAsync<ClickRecorded>(e => e.LinkId == link.Id);
        Assert.Equal(clickIds.Order(), events.Select(e => e.ClickId).Order());
        var batches = metrics.Measurements.Where(m => m.Instrument == "partnermesh.attribution.clicks.commit_batch_size").ToList();
        Assert.Equal(300, batches.Sum(m => m.Value));
        Assert.True(batches.Count < 300, $"300 concurrent clicks took {batches.Count} commits: they should share them.");
    }

    [Fact]
    public async Task OneVisitorRepeatingConcurrently_CollapsesIntoOneClickCountingEveryRepeat()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        var visitor = NewVisitor();

        var clickIds = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => _shopper.ClickAsVisitorAsync(link.Code, visitor)));

        var click = await factory.QueryDbAsync(db => db.Clicks.SingleAsync(c => c.LinkId == link.Id, Ct));
        Assert.All(clickIds, id => Assert.Equal(click.Id, id));
        Assert.Equal(39, click.Duplicates);
        Assert.Single(await factory.OutboxEventsAsync<ClickRecorded>(e => e.LinkId == link.Id));
    }

    [Fact]
    public async Task BurstMixingShoppersAndRepeats_EachVisitorHasOneClick()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        var visitors = Enumerable.Range(0, 20).Select(_ => NewVisitor()).ToList();

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async index =>
        {
            var visitor = visitors[index % visitors.Count];
            return (visitor, clickId: await _shopper.ClickAsVisitorAsync(link.Code, visitor));
        }));

        var clicks = await factory.QueryDbAsync(db => db.Clicks.Where(c => c.LinkId == link.Id).ToListAsync(Ct));
        Assert.Equal(visitors.Order(), clicks.Select(c => c.VisitorId!).Order());
        Assert.All(clicks, click => Assert.Equal(9, click.Duplicates));
        Assert.All(answers, answer => Assert.Equal(clicks.Single(c => c.VisitorId == answer.visitor).Id, answer.clickId));
    }

    [Fact]
    public async Task ServerToServerBurst_AnswersCreatedOnceAndOkForRepeats()
    {
        var storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        var visitor = NewVisitor();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            using var response = await storefront.PostAsJsonAsync(
                "/api/attribution/clicks", new RegisterClickRequest(link.Code, visitor, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null), Ct);
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(status => status == HttpStatusCode.Created));
        Assert.Equal(29, statuses.Count(status => status == HttpStatusCode.OK));
    }
}
