using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>The surveys service on its own database, the run's Redis and RabbitMQ, with a clock tests can move forward.</summary>
public class SurveysApiFactory : ServiceFactory<Program, SurveysDbContext>
{
    public string EmailLinkSigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(33));

    public ShiftedTimeProvider Clock { get; } = new();

    protected override string DatabaseResourceName => ResourceNames.SurveysDb;

    protected override string ServiceName => ResourceNames.SurveysApi;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        settings["Surveys:EmailLinkSigningKey"] = EmailLinkSigningKey;
        settings["Surveys:CatalogPollInterval"] = "00:00:01";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Services.GetRequiredService<RedisConnection>().WhenReadyAsync(reachable: RedisReachable);
        await Services.GetRequiredService<SurveyCatalog>().WhenLoadedAsync(TestContext.Current.CancellationToken);
    }

    protected virtual bool RedisReachable => true;
}

/// <summary>Surveys with a Redis that is not there: decisions must show nothing.</summary>
public sealed class NoRedisSurveysApiFactory : SurveysApiFactory
{
    protected override bool RedisReachable => false;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings[$"ConnectionStrings:{ResourceNames.Redis}"] = $"127.0.0.1:{TestPorts.Closed}";
    }
}

/// <summary>The system clock plus an offset tests move forward; timers run on real time, so hosted services are unaffected.</summary>
public sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

/// <summary>Surveys whose insights read at most three responses and three showings.</summary>
public sealed class SmallInsightsSurveysApiFactory : SurveysApiFactory
{
    public const int MaxRows = 3;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings["Surveys:InsightsMaxRows"] = MaxRows.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Partners see the current week as it fills (<c>Surveys:PartnerInsightsEndedWeeksOnly</c> turned off, a program's choice).</summary>
public sealed class LiveWeeksSurveysApiFactory : SurveysApiFactory
{
    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings["Surveys:PartnerInsightsEndedWeeksOnly"] = "false";
    }
}

/// <summary>Partner weeks in a reporting time zone far from UTC (UTC+14, no daylight saving), as analytics' may be.</summary>
public sealed class ReportingZoneSurveysApiFactory : SurveysApiFactory
{
    public const string TimeZone = "Pacific/Kiritimati";

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings["Surveys:ReportingTimeZone"] = TimeZone;
    }
}
