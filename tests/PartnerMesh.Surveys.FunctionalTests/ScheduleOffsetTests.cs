using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>
/// A schedule sent with offsets (<c>+02:00</c>, <c>-05:00</c>) is the same instants as its UTC form: stored in UTC (never
/// a 500 from PostgreSQL's <c>timestamptz</c>), read back as those instants, and applied at them.
/// </summary>
public sealed class ScheduleOffsetTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Schedule_WithOffsets_IsStoredAsTheSameInstants_AndStartsAtThatInstant()
    {
        var partner = Guid.NewGuid();
        var now = factory.Clock.GetUtcNow();
        var startsAt = WholeSeconds(now.AddHours(1)).ToOffset(TimeSpan.FromHours(2));
        var endsAt = WholeSeconds(now.AddHours(3)).ToOffset(TimeSpan.FromHours(-5));
        var definition = SurveysClient.NpsSurvey();
        definition["partnerIds"] = new JsonArray(partner);
        definition["startsAt"] = startsAt; // written with its offset
        definition["endsAt"] = endsAt;

        var created = await (await _client.Admin.PostAsJsonAsync("/api/surveys/surveys", definition, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var id = created["id"]!.GetValue<Guid>();
        var read = await (await _client.Admin.GetAsync($"/api/surveys/surveys/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal((startsAt, endsAt), (read["startsAt"]!.GetValue<DateTimeOffset>(), read["endsAt"]!.GetValue<DateTimeOffset>()));
        var stored = await factory.QueryDbAsync(db => db.Surveys.SingleAsync(survey => survey.Id == id, Ct));
        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero), (stored.StartsAt!.Value.Offset, stored.EndsAt!.Value.Offset));
        Assert.Equal("no-eligible-survey", (await _client.DecideAsync(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner)))["reason"]!.GetValue<string>());

        // 90 minutes on: after the start instant (it reads 03:xx at +02:00, but is an hour after now in UTC).
        factory.Clock.Advance(TimeSpan.FromMinutes(90));

        Assert.True((await _client.DecideAsync(SurveysClient.Decision(SurveysClient.NewVisitor(), partnerId: partner)))["show"]!.GetValue<bool>());
    }

    private static DateTimeOffset WholeSeconds(DateTimeOffset value) => value.AddTicks(-(value.Ticks % TimeSpan.TicksPerSecond));

    public void Dispose() => _client.Dispose();
}
