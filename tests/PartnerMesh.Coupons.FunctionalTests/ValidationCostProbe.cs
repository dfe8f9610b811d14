using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerMesh.Coupons.Api;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// Where a validation's time goes, direct to the service (no gateway): over the in-process HTTP pipeline (auth, JSON,
/// endpoint) and as a bare <see cref="CheckoutService.ValidateAsync"/> call. Explicit: a measurement, run on demand with
/// <c>-explicit only -class "*ValidationCostProbe"</c>; prints its figures.
/// </summary>
public sealed class ValidationCostProbe(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Explicit = true)]
    public async Task MeasureValidationCost()
    {
        var admin = factory.Admin();
        var storefront = factory.Storefront();
        await factory.CodeCacheInUseAsync();
        var (_, code) = await admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 5 });
        var body = Validation(code.ToLowerInvariant(), Guest("bench@example.com"));
        var request = new ValidateCouponRequest(code, new CustomerRef(null, "bench@example.com"), 50m, "EUR", null);

        async Task Http() => (await storefront.PostAsJsonAsync("/api/coupons/validations", body, Ct)).EnsureSuccessStatusCode();
        async Task Direct()
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<CheckoutService>().ValidateAsync(request, code, Ct);
            Assert.True(result.Valid);
        }

        var options = factory.Services.GetRequiredService<IOptions<CouponsOptions>>().Value;
        var cache = factory.Services.GetRequiredService<CodeDefinitionCache>();
        var ttl = options.CodeCacheTtl;
        for (var round = 0; round < 2; round++)
        {
            foreach (var cached in new[] { false, true })
            {
                options.CodeCacheTtl = cached ? ttl : TimeSpan.Zero;
                cache.Clear();
                foreach (var (name, call) in new (string, Func<Task>)[] { ("http", Http), ("direct", Direct) })
                {
                    await RunAsync(call, 300, 1);
                    var (sequential, sequentialCpu) = await RunAsync(call, 2000, 1);
                    var (parallel, parallelCpu) = await RunAsync(call, 8000, 16);
                    Console.WriteLine(
                        $"PROBE validation {name}, code cache {(cached ? "on" : "off")}: one at a time {2000 / sequential.TotalSeconds:N0}/s " +
                        $"({sequential.TotalMilliseconds / 2000:F3} ms, {sequentialCpu.TotalMicroseconds / 2000:N0} µs CPU of this process each); " +
                        $"16 at once {8000 / parallel.TotalSeconds:N0}/s ({parallelCpu.TotalMicroseconds / 8000:N0} µs CPU each)");
                }
            }
        }

        options.CodeCacheTtl = ttl;
    }

    /// <summary>Redemptions of one code without reservations, 64 at once, with group commits of one request each (as before
    /// group commit) and of up to the configured batch size; half of them can succeed.</summary>
    [Fact(Explicit = true)]
    public async Task MeasureOneCodeRedemptions()
    {
        var admin = factory.Admin();
        var storefront = factory.Storefront();
        var options = factory.Services.GetRequiredService<IOptions<GroupCommitOptions>>().Value;
        var batchSize = options.MaxBatchSize;
        const int count = 3000;
        foreach (var maxBatch in new[] { 1, batchSize, 1, batchSize })
        {
            options.MaxBatchSize = maxBatch;
            var campaignId = await admin.CreateCampaignAsync(new JsonObject { ["requireReservation"] = false });
            var code = await admin.CreateCodeAsync(campaignId, maxUses: count / 2);
            var created = 0;
            var (wall, _) = await RunAsync(async () =>
            {
                var response = await storefront.PostAsJsonAsync("/api/coupons/redemptions",
                    Redemption(code, $"probe-{Guid.NewGuid():N}", null, Customer($"c{Random.Shared.Next(1000)}")), Ct);
                if (response.StatusCode == System.Net.HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref created);
                }
            }, count, 64);
            var uses = (await admin.StatsAsync(campaignId)).Number("uses");
            Console.WriteLine($"PROBE one-code redemptions, batches of at most {maxBatch}: {count / wall.TotalSeconds:N0}/s; {created} created of limit {count / 2}, uses {uses}");
            Assert.Equal((count / 2, count / 2), (created, uses));
        }

        options.MaxBatchSize = batchSize;
    }

    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> RunAsync(Func<Task> call, int count, int concurrency)
    {
        var next = -1;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                await call();
            }
        }));
        return (clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }
}
