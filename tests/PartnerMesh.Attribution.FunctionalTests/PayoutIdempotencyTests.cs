using System.Net;
using System.Net.Http.Json;
using PartnerMesh.Attribution.Api.Payouts;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>Retries of one payout request under its Idempotency-Key, in a database of its own (a batch pays every partner).</summary>
public class PayoutIdempotencyTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentRetriesUnderOneKey_AllAnswerTheBatch_NeverNothingPayable()
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0, plan = new { type = "percent", rate = 0.10 } });
        for (var round = 0; round < 5; round++)
        {
            var partner = await _admin.CreateProgramPartnerAsync(program.Id);
            await _storefront.ConvertAsync(Order(100m, await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code)));
            await _admin.PostAsync("/api/attribution/commissions/approve-due", null, Ct);
            var key = Guid.NewGuid().ToString("N");

            var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/attribution/payouts");
                request.Headers.Add("Idempotency-Key", key);
                using var response = await _admin.SendAsync(request, Ct);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Ct));
            }));

            Assert.Equal([HttpStatusCode.Created], answers.Where(answer => answer.StatusCode != HttpStatusCode.OK).Select(answer => answer.StatusCode));
            var batches = answers.Select(answer => System.Text.Json.JsonSerializer.Deserialize<PayoutBatchResponse>(answer.Body, System.Text.Json.JsonSerializerOptions.Web)!).ToList();
            var batch = Assert.Single(batches.DistinctBy(batch => batch.Id));
            Assert.Equal((partner.Id, 10.00m, 1), Assert.Single(batch.Items.Select(item => (item.PartnerId, item.Amount, item.EntryCount))));
        }
    }
}
