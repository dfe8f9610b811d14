using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Infrastructure;

namespace PartnerMesh.Attribution.Api.Programs;

/// <summary>What the redirect needs of a program.</summary>
public sealed record RedirectTerms(IReadOnlyList<string> AllowedHosts, string? FallbackUrl, TimeSpan DuplicateClickWindow);

/// <summary>
/// Per-instance cache of programs' redirect terms (they change rarely and the redirect is hot). Changes made through
/// this instance apply at once; other instances see them within <see cref="TimeToLive"/>.
/// </summary>
public sealed class ProgramDirectory(IServiceScopeFactory scopes)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<Guid, (RedirectTerms? Terms, long ExpiresAt)> _entries = new();

    public async Task<RedirectTerms?> GetAsync(Guid programId, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (_entries.TryGetValue(programId, out var entry) && entry.ExpiresAt > now)
        {
            return entry.Terms;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AttributionDbContext>();
        var terms = await db.Programs.AsNoTracking().Where(program => program.Id == programId)
            .Select(program => new RedirectTerms(program.AllowedHosts, program.FallbackUrl, TimeSpan.FromSeconds(program.DuplicateClickWindowSeconds)))
            .SingleOrDefaultAsync(cancellationToken);
        _entries[programId] = (terms, now + (long)TimeToLive.TotalMilliseconds);
        return terms;
    }

    public void Invalidate(Guid programId) => _entries.TryRemove(programId, out _);
}
