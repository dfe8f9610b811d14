using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using Polly;

namespace PartnerMesh.PartnerPortal.Api.Experiments;

/// <summary>An experiment on the partner's traffic, as promotions-api tells its partner.</summary>
public sealed record PartnerExperiment(
    Guid Id, string Name, string Status, IReadOnlyList<PartnerExperimentVariant> Variants, int HoldoutPercent, string? Winner,
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);

public sealed record PartnerExperimentVariant(string Key, int Weight, bool IsControl);

public sealed record PartnerExperimentResults(Guid ExperimentId, string Status, string Baseline, string Method, IReadOnlyList<PartnerVariantResult> Variants);

public sealed record PartnerVariantResult(
    string Variant, long Exposures, long Conversions, double ConversionRate, long Orders, PartnerConversionTest? ConversionVsBaseline,
    IReadOnlyList<PartnerVariantSales>? Sales);

/// <summary>A variant's money in one currency (promotions never adds currencies together), rounded to its minor units.</summary>
public sealed record PartnerVariantSales(string Currency, long Orders, decimal AverageOrderValue, decimal RevenuePerVisitor);

public sealed record PartnerConversionTest(double Difference, double PValue, double LowerBound, double UpperBound);

/// <summary>An experiment and its results (null when they could not be read).</summary>
public sealed record PartnerExperimentView(PartnerExperiment Experiment, PartnerExperimentResults? Results);

/// <summary>
/// Reads the experiments on a partner's traffic from promotions-api as that partner: each call carries a fresh service
/// token scoped <c>partner</c> and bound to the session's partner, so promotions itself enforces the isolation.
/// </summary>
public sealed partial class PromotionsClient(HttpClient http, ServiceTokenIssuer tokens, ILogger<PromotionsClient> logger)
{
    public const int MaxExperimentsShown = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { RespectNullableAnnotations = true };

    /// <returns>The partner's experiments (newest first) with their results, or <c>null</c> when promotions is unavailable.</returns>
    public async Task<IReadOnlyList<PartnerExperimentView>?> GetExperimentsAsync(Guid accountId, Guid partnerId, CancellationToken cancellationToken)
    {
        var page = await GetAsync<PageResponse<PartnerExperiment>>(
            accountId, partnerId, $"/api/promotions/partner-experiments?limit={MaxExperimentsShown}", cancellationToken);
        if (page is null)
        {
            return null;
        }

        var views = new List<PartnerExperimentView>();
        foreach (var experiment in page.Items)
        {
            var results = await GetAsync<PartnerExperimentResults>(accountId, partnerId, $"/api/promotions/partner-experiments/{experiment.Id}/results", cancellationToken);
            views.Add(new PartnerExperimentView(experiment, results));
        }

        return views;
    }

    private async Task<T?> GetAsync<T>(Guid accountId, Guid partnerId, string path, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Bearer", tokens.Issue(ResourceNames.PromotionsApi, $"portal-user:{accountId}", [PartnerMeshScopes.Partner], partnerId));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                LogUnexpectedStatus(logger, partnerId, (int)response.StatusCode);
                return null;
            }

            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or ExecutionRejectedException or JsonException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnavailable(logger, exception, partnerId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Promotions is unavailable for partner {PartnerId}")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, Guid partnerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Promotions answered {StatusCode} for partner {PartnerId}")]
    private static partial void LogUnexpectedStatus(ILogger logger, Guid partnerId, int statusCode);
}

public static class PromotionsClientExtensions
{
    /// <summary>A typed client for <c>http://promotions-api</c> (service discovery), as quick to give up as the analytics one.</summary>
    public static WebApplicationBuilder AddPromotionsClient(this WebApplicationBuilder builder)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers: see AddAnalyticsClient
        builder.Services.AddHttpClient<PromotionsClient>(http => http.BaseAddress = new Uri($"http://{ResourceNames.PromotionsApi}"))
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(options =>
            {
                options.Retry.MaxRetryAttempts = 2;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(3);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(8);
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
            });
#pragma warning restore EXTEXP0001
        return builder;
    }
}
