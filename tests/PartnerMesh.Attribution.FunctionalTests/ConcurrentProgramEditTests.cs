using System.Net;
using System.Net.Http.Json;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// Edits of one program at the same instant take the program's row lock in turn: every plan change is its own plan
/// version and every agreement its own agreement version, none lost and none a 500.
/// </summary>
public class ConcurrentProgramEditTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private const int Parallel = 10;
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpdateProgram_TenPlanChangesAtOnce_EachIsItsOwnVersion()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.5 } });

        var responses = await Task.WhenAll(Enumerable.Range(1, Parallel).Select(index => _admin.PutAsJsonAsync(
            $"/api/attribution/programs/{program.Id}",
            new { name = program.Name, currency = "EUR", plan = new { type = "percent", rate = index / 100m } }, Ct)));

        var updated = await Task.WhenAll(responses.Select(response => response.ShouldBeAsync<ProgramResponse>(HttpStatusCode.OK)));
        Assert.Equal(Enumerable.Range(2, Parallel), updated.Select(response => response.PlanVersion).Order());
        var plans = (await _admin.GetFromJsonAsync<List<PlanVersionResponse>>($"/api/attribution/programs/{program.Id}/plans", Ct))!;
        Assert.Equal(Enumerable.Range(1, Parallel + 1), plans.Select(plan => plan.Version));
        Assert.Equal(
            updated.Select(response => (response.PlanVersion, response.Plan.Rate)).Order(),
            plans.Skip(1).Select(plan => (plan.Version, plan.Plan.Rate)));
        var current = await _admin.GetFromJsonAsync<ProgramResponse>($"/api/attribution/programs/{program.Id}", Ct);
        Assert.Equal((Parallel + 1, plans[^1].Plan.Rate), (current!.PlanVersion, current.Plan.Rate));
    }

    [Fact]
    public async Task CreateAgreement_TenAtOnce_EachGetsItsOwnVersion()
    {
        var program = await _admin.CreateProgramAsync();

        var responses = await Task.WhenAll(Enumerable.Range(1, Parallel).Select(index => _admin.PostAsJsonAsync(
            $"/api/attribution/programs/{program.Id}/agreements", new { title = $"Terms {index}", body = "b" }, Ct)));

        var created = await Task.WhenAll(responses.Select(response => response.ShouldBeAsync<AgreementResponse>(HttpStatusCode.Created)));
        Assert.Equal(Enumerable.Range(1, Parallel), created.Select(agreement => agreement.Version).Order());
        var stored = (await _admin.GetFromJsonAsync<List<AgreementResponse>>($"/api/attribution/programs/{program.Id}/agreements", Ct))!;
        Assert.Equal(
            created.OrderBy(agreement => agreement.Version).Select(agreement => (agreement.Version, agreement.Title)),
            stored.Select(agreement => (agreement.Version, agreement.Title)));
    }
}
