using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace PartnerMesh.PartnerDirectory;

/// <summary>The partner directory of one service: its known partners and the database they live in.</summary>
public interface IPartnerDirectory
{
    DbContext Database { get; }

    IQueryable<KnownPartner> Partners { get; }
}

public static class PartnerDirectoryServiceCollectionExtensions
{
    /// <summary>Makes <typeparamref name="TDbContext"/> (which calls <c>AddPartnerDirectory()</c> in its model) the directory.</summary>
    public static IServiceCollection AddPartnerDirectory<TDbContext>(this IServiceCollection services)
        where TDbContext : DbContext =>
        services.AddScoped<IPartnerDirectory, DbContextPartnerDirectory<TDbContext>>();

    private sealed class DbContextPartnerDirectory<TDbContext>(TDbContext db) : IPartnerDirectory
        where TDbContext : DbContext
    {
        public DbContext Database => db;

        public IQueryable<KnownPartner> Partners => db.Set<KnownPartner>();
    }
}
