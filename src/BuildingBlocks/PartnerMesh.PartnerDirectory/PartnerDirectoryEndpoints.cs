using System.Linq.Expressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.PartnerDirectory;

public static class PartnerDirectoryEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    private const string PartnersList = "partner-directory.partners";

    private static readonly Expression<Func<KnownPartner, PartnerResponse>> ToResponse =
        partner => new PartnerResponse(partner.Id, partner.Name, partner.Kind, partner.RegisteredAt);

    /// <summary>Admin-only <c>{routePrefix}/partners</c>: the partners this service knows, for operators.</summary>
    public static RouteGroupBuilder MapPartnerDirectoryEndpoints(this IEndpointRouteBuilder app, string routePrefix)
    {
        var group = app.MapGroup($"{routePrefix}/partners").WithTags("Partners").RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapGet("/", ListPartners).WithName(nameof(ListPartners));
        group.MapGet("/{id:guid}", GetPartner).WithName(nameof(GetPartner));

        return group;
    }

    /// <summary>
    /// Admin-only <c>{routePrefix}/status</c>: what an operator checks first, the partners this service knows and
    /// whether its outbox drains; and <c>POST {routePrefix}/outbox/parked/redrive</c>, which gives every parked outbox
    /// message a fresh start once its cause is fixed (the same as the <c>--redrive-parked-outbox</c> command).
    /// </summary>
    public static RouteGroupBuilder MapServiceStatusEndpoints(this IEndpointRouteBuilder app, string routePrefix, string serviceName)
    {
        var group = app.MapGroup($"{routePrefix}/status").WithTags("Status").RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapGet("/", (IPartnerDirectory directory, TimeProvider timeProvider, CancellationToken cancellationToken) =>
            GetStatus(serviceName, directory, timeProvider, cancellationToken)).WithName(nameof(GetStatus));

        app.MapGroup($"{routePrefix}/outbox").WithTags("Status").RequireAuthorization(PartnerMeshPolicies.Admin)
            .MapPost("/parked/redrive", RedriveParkedOutbox).WithName(nameof(RedriveParkedOutbox));

        return group;
    }

    private static async Task<Ok<ServiceStatus>> GetStatus(
        string serviceName, IPartnerDirectory directory, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ServiceStatus(
            serviceName,
            await directory.Partners.CountAsync(cancellationToken),
            await directory.Database.GetOutboxStatusAsync(timeProvider, cancellationToken)));

    /// <summary>Re-drives the parked outbox messages and wakes the relay, which publishes them right away.</summary>
    private static async Task<Ok<OutboxRedriveResponse>> RedriveParkedOutbox(
        IPartnerDirectory directory, TimeProvider timeProvider, OutboxSignal relay, CancellationToken cancellationToken)
    {
        var redriven = await directory.Database.RedriveParkedOutboxAsync(timeProvider, cancellationToken);
        if (redriven > 0)
        {
            relay.Notify();
        }

        return TypedResults.Ok(new OutboxRedriveResponse(redriven));
    }

    /// <summary>Known partners ordered by id; pass a page's <c>nextCursor</c> as <c>after</c> to read the following page.</summary>
    private static async Task<Results<Ok<PartnerPage>, ValidationProblem>> ListPartners(
        IPartnerDirectory directory, CancellationToken cancellationToken, int limit = DefaultLimit, string? after = null)
    {
        if (Paging.Validate(PartnersList, limit, after, out _, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var partners = await directory.Partners.AsNoTracking()
            .Where(partner => afterId == null || partner.Id > afterId)
            .OrderBy(partner => partner.Id)
            .Take(limit + 1)
            .Select(ToResponse)
            .ToListAsync(cancellationToken);

        var items = partners.Count > limit ? partners[..limit] : partners;
        return TypedResults.Ok(new PartnerPage(items, partners.Count > limit ? Paging.EncodeCursor(PartnersList, items[^1].Id) : null));
    }

    private static async Task<Results<Ok<PartnerResponse>, ProblemHttpResult>> GetPartner(
        Guid id, IPartnerDirectory directory, CancellationToken cancellationToken) =>
        await directory.Partners.AsNoTracking().Where(partner => partner.Id == id).Select(ToResponse).SingleOrDefaultAsync(cancellationToken) is { } partner
            ? TypedResults.Ok(partner)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Partner not found",
                detail: $"No partner {id} has been registered with this service.");
}

public sealed record PartnerResponse(Guid Id, string Name, string Kind, DateTimeOffset RegisteredAt);

public sealed record PartnerPage(IReadOnlyList<PartnerResponse> Items, string? NextCursor);

public sealed record ServiceStatus(string Service, int KnownPartners, OutboxStatus Outbox);

public sealed record OutboxRedriveResponse(int Redriven);
