using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Data;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.Clicks;

/// <summary>
/// Who clicked: the visitor id (<see cref="VisitorKnown"/> when it came from the browser or storefront) and a hash of
/// address and user agent, null when the click names neither.
/// </summary>
public sealed record ClickSource(string VisitorId, bool VisitorKnown, string? SourceKey)
{
    /// <summary>
    /// The source the click-flooding rule counts by: address and user agent, either alone when only one is known. Null
    /// without both: a storefront registering clicks server to server may send neither, and all such clicks would
    /// otherwise share one source and flood every order of the partner.
    /// </summary>
    public static string? KeyOf(string? address, string? userAgent) =>
        string.IsNullOrWhiteSpace(address) && string.IsNullOrWhiteSpace(userAgent)
            ? null
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{address}|{userAgent}")))[..32];
}

/// <summary>A caller's <c>Idempotency-Key</c> (scoped to the caller) and the fingerprint of the request it came with.</summary>
public sealed record ClickIdempotency(string Caller, string Key, string Fingerprint);

public enum ClickOutcome
{
    Recorded,
    Duplicate,
    UnknownCode,
    Unavailable,

    /// <summary>The <c>Idempotency-Key</c> already stands for an earlier request's click: nothing was recorded.</summary>
    KeyUsed,

    /// <summary>Where the link leads, asked without a click (<see cref="ClickRecorder.PreviewAsync"/>): nothing was recorded.</summary>
    Previewed,
}

/// <param name="Destination">Where to send the shopper (with tracking parameters) or, when unavailable, the fallback if any.</param>
public sealed record ClickResult(ClickOutcome Outcome, Guid? ClickId = null, CachedLink? Link = null, string? Destination = null, string? VisitorId = null);

/// <summary>
/// Records a click and its <see cref="ClickRecorded"/> event in one commit (a group commit shared with concurrent clicks,
/// <see cref="ClickWriter"/>) before the shopper is redirected. A repeat of the same visitor on the same link inside the
/// duplicate window collapses into the first click (counted on it).
/// </summary>
public sealed class ClickRecorder(
    LinkResolver links, LinkCache cache, ProgramDirectory programs, ClickWriter writer, TimeProvider timeProvider,
    IOptions<AttributionOptions> options)
{
    public const string RedirectSource = "redirect";
    public const string ServerSource = "server";

    public async Task<ClickResult> RecordAsync(
        string code, ClickDetails details, ClickSource source, string clickSource, string? deepLink, ClickIdempotency? idempotency,
        CancellationToken cancellationToken)
    {
        var link = await links.FindAsync(code, cancellationToken);
        try
        {
            return await RecordAsync(link, details, source, clickSource, deepLink, idempotency, cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsForeignKeyViolation(ClickConfiguration.LinkForeignKey))
        {
            // The cache named a link PostgreSQL does not have (e.g. a database restored under a live Redis):
            // drop the entry and answer from the system of record.
            await cache.RemoveAsync(code);
            link = await links.FindInDatabaseAsync(code, cancellationToken);
            return await RecordAsync(link, details, source, clickSource, deepLink, idempotency, cancellationToken);
        }
    }

    /// <summary>
    /// Where the link leads, recording no click: a HEAD request comes from a link checker or a preview, not a shopper, and
    /// must neither count nor be refused. Unknown and unavailable links answer as they would for a click.
    /// </summary>
    public async Task<ClickResult> PreviewAsync(string code, string? deepLink, CancellationToken cancellationToken)
    {
        var link = await links.FindAsync(code, cancellationToken);
        var (refused, destination, _) = await ResolveAsync(link, deepLink, cancellationToken);
        return refused ?? new ClickResult(ClickOutcome.Previewed, Link: link, Destination: destination);
    }

    private async Task<ClickResult> RecordAsync(
        CachedLink? link, ClickDetails details, ClickSource source, string clickSource, string? deepLink, ClickIdempotency? idempotency,
        CancellationToken cancellationToken)
    {
        var (refused, destination, window) = await ResolveAsync(link, deepLink, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        details = details with { LandingUrl = details.LandingUrl ?? Text.Clean(destination, ClickDetails.MaxReferrerLength) };
        return await SaveAsync(link!, details, source, clickSource, destination, window, idempotency, cancellationToken);
    }

    /// <summary>The link's destination and duplicate window under its program's terms, or the answer when it leads nowhere.</summary>
    private async Task<(ClickResult? Refused, string Destination, TimeSpan Window)> ResolveAsync(
        CachedLink? link, string? deepLink, CancellationToken cancellationToken)
    {
        if (link is null)
        {
            return (new ClickResult(ClickOutcome.UnknownCode, Destination: options.Value.FallbackUrl), "", TimeSpan.Zero);
        }

        var terms = link.ProgramId is { } programId ? await programs.GetAsync(programId, cancellationToken) : null;
        var fallback = terms?.FallbackUrl ?? options.Value.FallbackUrl;
        var allowedHosts = terms?.AllowedHosts ?? [];
        // A link whose target the program no longer allows is treated like an inactive one: never an open redirect.
        if (!link.Active || link.PartnerInactive || (allowedHosts.Count > 0 && !RedirectRules.IsAllowed(link.TargetUrl, allowedHosts)))
        {
            return (new ClickResult(ClickOutcome.Unavailable, Link: link, Destination: fallback), "", TimeSpan.Zero);
        }

        var destination = deepLink is not null && RedirectRules.IsAllowed(deepLink, allowedHosts, sameHostAs: link.TargetUrl)
            ? deepLink
            : link.TargetUrl;
        return (null, destination, terms?.DuplicateClickWindow ?? TimeSpan.FromSeconds(options.Value.DuplicateClickWindowSeconds));
    }

    private async Task<ClickResult> SaveAsync(
        CachedLink link, ClickDetails details, ClickSource source, string clickSource, string destination, TimeSpan window,
        ClickIdempotency? idempotency, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNowForStorage();
        var click = new Click
        {
            Id = Guid.CreateVersion7(now),
            LinkId = link.Id,
            PartnerId = link.PartnerId,
            Code = link.Code,
            VisitorId = source.VisitorId,
            SourceKey = source.SourceKey,
            UtmSource = details.UtmSource,
            UtmMedium = details.UtmMedium,
            UtmCampaign = details.UtmCampaign,
            UtmTerm = details.UtmTerm,
            UtmContent = details.UtmContent,
            Referrer = details.Referrer,
            LandingUrl = details.LandingUrl,
            UserAgent = details.UserAgent,
            Gclid = details.Gclid,
            Fbclid = details.Fbclid,
            Msclkid = details.Msclkid,
            Ttclid = details.Ttclid,
            LiFatId = details.LiFatId,
            Rdclid = details.Rdclid,
            Twclid = details.Twclid,
            Source = clickSource,
            OccurredAt = now,
            LastSeenAt = now,
        };
        var recorded = new ClickRecorded
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            ClickId = click.Id,
            PartnerId = click.PartnerId,
            LinkId = click.LinkId,
            Code = click.Code,
            VisitorId = click.VisitorId,
            UtmSource = click.UtmSource,
            UtmMedium = click.UtmMedium,
            UtmCampaign = click.UtmCampaign,
            UtmTerm = click.UtmTerm,
            UtmContent = click.UtmContent,
            Referrer = click.Referrer,
            LandingUrl = click.LandingUrl,
            Gclid = click.Gclid,
            Fbclid = click.Fbclid,
            Msclkid = click.Msclkid,
            Ttclid = click.Ttclid,
            LiFatId = click.LiFatId,
            Rdclid = click.Rdclid,
            Twclid = click.Twclid,
            Source = clickSource,
            ProgramId = link.ProgramId,
        };

        // Only a known visitor (our cookie, or a storefront's visitor id) collapses: many shoppers may share an address
        // and a user agent. Cookie-less repeats are recorded, and count towards click flooding through their source key.
        var written = await writer.WriteAsync(click, recorded, window, source.VisitorKnown, idempotency, cancellationToken);
        if (written.KeyUsed)
        {
            return new ClickResult(ClickOutcome.KeyUsed, Link: link);
        }

        return new ClickResult(written.Duplicate ? ClickOutcome.Duplicate : ClickOutcome.Recorded, written.ClickId, link, destination, written.VisitorId);
    }
}
