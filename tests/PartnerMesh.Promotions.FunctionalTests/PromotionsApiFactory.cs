using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>The promotions service on its own database, the run's Redis and RabbitMQ, with its rule set loaded.</summary>
public class PromotionsApiFactory : ServiceFactory<Program, PromotionsDbContext>
{
    public string QuoteSigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(33));

    protected override string DatabaseResourceName => ResourceNames.PromotionsDb;

    protected override string ServiceName => ResourceNames.PromotionsApi;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        settings["Promotions:QuoteSigningKey"] = QuoteSigningKey;
        settings["Promotions:ReservationSweepInterval"] = "00:00:01";
        // Under a loaded test machine a 1 s budget for the stub coupons service can lapse; the slow stub takes 3 s.
        settings["Promotions:CouponValidationTimeout"] = "00:00:02";
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Services.GetRequiredService<RedisConnection>().WhenReadyAsync(reachable: true);
        await Services.GetRequiredService<RuleSetProvider>().WhenLoadedAsync(TestContext.Current.CancellationToken);
    }
}
