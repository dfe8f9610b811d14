using Microsoft.EntityFrameworkCore;

namespace PartnerMesh.Data;

/// <summary>
/// How every service's DbContext reaches PostgreSQL: Npgsql with snake_case names for every table, column, key, index and
/// foreign key the model does not name itself (<c>OccurredAt</c> → <c>occurred_at</c>). The host, the design-time factory
/// and the tests must all use it, or the model no longer matches the migrations.
/// </summary>
/// <remarks>
/// The convention came after the first migrations: tables whose DbSet is named differently keep their <c>ToTable</c>, and
/// primary keys created then keep EF's <c>PK_table</c> names through an explicit <c>HasName</c>, so the database never changes.
/// </remarks>
public static class NpgsqlOptionsExtensions
{
    public static DbContextOptionsBuilder UsePartnerMeshNpgsql(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString).UseSnakeCaseNamingConvention();

    public static DbContextOptionsBuilder<TContext> UsePartnerMeshNpgsql<TContext>(
        this DbContextOptionsBuilder<TContext> options, string connectionString)
        where TContext : DbContext =>
        options.UseNpgsql(connectionString).UseSnakeCaseNamingConvention();
}
