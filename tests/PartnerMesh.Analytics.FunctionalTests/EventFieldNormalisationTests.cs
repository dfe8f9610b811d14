using System.Net;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// One rule per field, as the other services apply it: the nil partner id names no partner, a customer id is keyed
/// trimmed (the shared <c>CustomerIds</c> rule), a dimension value is trimmed and lower-cased, and two names of one field
/// with different values are refused.
/// </summary>
public class EventFieldNormalisationTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static readonly DateTimeOffset Noon = new(2025, 6, 4, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Day => DateOnly.FromDateTime(Noon.UtcDateTime);

    private HttpClient Storefront => factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

    [Fact]
    public async Task NilPartnerId_IsAnInvalidFieldNamingPartnerId_AndNothingIsCounted()
    {
        var id = Guid.NewGuid().ToString("N");
        var campaign = $"nil-{id}";
        var good = Behaviour.Event(EventTypes.PageView, Noon, campaign, session: "s1-" + id);
        var nil = Behaviour.Event(EventTypes.OrderCompleted, Noon, campaign, session: "s2-" + id, order: "o-" + id, amount: 100m, partner: Guid.Empty);

        var report = await (await Storefront.PostAsync([good, nil], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);

        var rejection = Assert.Single(report.Rejections);
        Assert.Equal((1, BehaviourEventValidator.Reasons.InvalidField), (rejection.Index, rejection.Reason));
        Assert.Contains("'partnerId'", rejection.Detail, StringComparison.Ordinal);
        var kpis = (await factory.WaitForReportAsync(Behaviour.KpiUrl("campaign", campaign, Day, Day), r => r.Totals.Count == 1 && r.Total().PageViews == 1, Ct)).Total();
        Assert.Equal((1L, 0L, 0L), (kpis.Sessions, kpis.Orders, kpis.AttributedOrders));
    }

    [Fact]
    public async Task CustomerId_WithSurroundingSpaces_IsTheSameCustomer()
    {
        var id = Guid.NewGuid().ToString("N");
        var (campaign, customer) = ($"cid-{id}", $"c-{id}");
        string[] spellings = [customer, " " + customer, customer + " "];

        await factory.IngestAsync(
            spellings.Select((spelling, i) => Behaviour.Event(
                EventTypes.OrderCompleted, Noon.AddMinutes(i), campaign, session: $"s{i}-{id}", order: $"o{i}-{id}", amount: 5m, customer: spelling)),
            Ct);

        var kpis = (await factory.WaitForReportAsync(Behaviour.KpiUrl("campaign", campaign, Day, Day), r => r.Totals.Count == 1 && r.Total().CustomerOrders == 3, Ct)).Total();
        Assert.Equal((1L, 2L), (kpis.FirstOrders, kpis.RepeatOrders));
    }

    [Fact]
    public async Task DimensionValues_WithSurroundingSpaces_AreOneValue()
    {
        var id = Guid.NewGuid().ToString("N");
        var (campaign, source, touchpoint) = ($"dims-{id}", $"newsletter-{id}", $"footer-{id}");
        string[] pads = ["", " ", "\t"];

        await factory.IngestAsync(
            pads.Select((pad, i) => Behaviour.Event(
                EventTypes.PageView, Noon, pad + campaign.ToUpperInvariant() + pad, session: $"s{i}-{id}", source: pad + source + pad, touchpoint: touchpoint + pad)),
            Ct);

        foreach (var (dimension, value) in new[] { ("campaign", campaign), ("traffic_source", source), ("touchpoint", touchpoint) })
        {
            var kpis = (await factory.WaitForReportAsync(Behaviour.KpiUrl(dimension, value, Day, Day), r => r.Totals.Count == 1 && r.Total().PageViews == 3, Ct)).Total();
            Assert.Equal(3L, kpis.Sessions);
        }
    }

    [Fact]
    public async Task DimensionValues_FromTheBus_AreTrimmedAndLowerCased()
    {
        var id = Guid.NewGuid().ToString("N");
        var (campaign, source, touchpoint) = ($"bus-bf-{id}", $"bus-newsletter-{id}", $"bus-cart-{id}");
        string Padded(string value) => $" {value.ToUpperInvariant()}\t";
        var partner = Guid.NewGuid();
        var impression = Guid.NewGuid();

        await factory.PublishAsync(Events.Click(partner, Noon) with
        {
            UtmCampaign = Padded(campaign), UtmSource = Padded(source), UtmMedium = Padded("email"),
        });
        await factory.PublishAsync(new SurveyShown
        {
            EventId = Guid.NewGuid(), OccurredAt = Noon, ImpressionId = impression, SurveyId = Guid.NewGuid(), SurveyVersion = 1,
            SurveyKind = "nps", Trigger = "exit-intent", Touchpoint = Padded(touchpoint), VisitorId = "v-1", PartnerId = partner,
            CampaignId = Padded(campaign), TrafficSource = Padded(source),
        });
        await factory.PublishAsync(new SurveyResponseSubmitted
        {
            EventId = Guid.NewGuid(), OccurredAt = Noon.AddMinutes(1), ResponseId = Guid.NewGuid(), SurveyId = Guid.NewGuid(), SurveyVersion = 1,
            SurveyKind = "nps", Touchpoint = Padded(touchpoint), VisitorId = "v-1", ImpressionId = impression, PartnerId = partner, NpsScore = 10,
            ReasonCodes = [], CampaignId = Padded(campaign), TrafficSource = Padded(source),
        });

        // The click and the survey events come through different queues: wait for all three.
        foreach (var (dimension, value, clicks) in new[] { ("campaign", campaign, 1L), ("traffic_source", source, 1L), ("touchpoint", touchpoint, 0L) })
        {
            var totals = Assert.Single((await factory.WaitForReportAsync(
                Behaviour.KpiUrl(dimension, value, Day, Day), r => r.Totals.Count == 1 && r.Total() is { SurveysShown: 1, NpsResponses: 1 } && r.Total().Clicks == clicks, Ct)).Totals);
            Assert.Equal((value, clicks, 1L), (totals.DimensionValue, totals.Kpis.Clicks, totals.Kpis.SurveyResponses));
        }
    }

    [Fact]
    public async Task BlankDimensionValues_FromTheBus_AreNoValue_AsFromTheStorefront()
    {
        var partner = Guid.NewGuid();
        await factory.PublishAsync(new SurveyShown
        {
            EventId = Guid.NewGuid(), OccurredAt = Noon, ImpressionId = Guid.NewGuid(), SurveyId = Guid.NewGuid(), SurveyVersion = 1,
            SurveyKind = "nps", Trigger = "exit-intent", Touchpoint = " \t", VisitorId = "v-1", PartnerId = partner, CampaignId = "  ", TrafficSource = " ",
        });

        var url = $"/api/analytics/kpis?dimensions=partner,{{0}}&value={partner}&from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}";
        var sources = await factory.WaitForReportAsync(string.Format(null, url, "traffic_source"), r => r.Totals.Count == 1, Ct);
        Assert.Equal(("direct", 1L), (sources.Totals[0].DimensionValue2, sources.Totals[0].Kpis.SurveysShown));
        var touchpoints = await factory.ReportAsync(string.Format(null, url, "touchpoint"), Ct);
        Assert.Equal("survey", Assert.Single(touchpoints.Totals).DimensionValue2);
        Assert.Empty((await factory.ReportAsync(string.Format(null, url, "campaign"), Ct)).Totals);
    }

    [Fact]
    public async Task TwoNamesOfOneField_WithDifferentValues_AreAnInvalidFieldNamingBoth_EqualValuesAreAccepted()
    {
        var id = Guid.NewGuid().ToString("N");
        var campaign = $"alias-{id}";
        var otherId = Behaviour.Event(EventTypes.PageView, Noon, campaign, session: "s1-" + id);
        otherId["id"] = $"other-{id}";
        var otherTime = Behaviour.Event(EventTypes.PageView, Noon, campaign, session: "s2-" + id);
        otherTime["timestamp"] = Noon.AddHours(-3);
        var sameId = Behaviour.Event(EventTypes.PageView, Noon, campaign, session: "s3-" + id);
        sameId["id"] = sameId["eventId"];
        var sameTime = Behaviour.Event(EventTypes.PageView, Noon, campaign, session: "s4-" + id);
        sameTime["timestamp"] = "2025-06-04T12:00:00+02:00";

        var report = await (await Storefront.PostAsync([otherId, otherTime, sameId, sameTime], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);

        Assert.Equal([(string)sameId["eventId"]!, (string)sameTime["eventId"]!], report.AcceptedIds);
        Assert.Equal(
            [(0, BehaviourEventValidator.Reasons.InvalidField), (1, BehaviourEventValidator.Reasons.InvalidField)],
            report.Rejections.Select(r => (r.Index, r.Reason)));
        Assert.All(report.Rejections, r => Assert.Equal(2, new[] { "'eventId'", "'id'", "'occurredAt'", "'timestamp'" }.Count(name => r.Detail.Contains(name, StringComparison.Ordinal))));
    }
}
