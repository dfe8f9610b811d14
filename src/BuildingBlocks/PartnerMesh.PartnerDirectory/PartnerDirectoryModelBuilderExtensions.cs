using Microsoft.EntityFrameworkCore;

namespace PartnerMesh.PartnerDirectory;

public static class PartnerDirectoryModelBuilderExtensions
{
    public const string TableName = "partners";

    public const string StandingsTableName = "partner_standings";

    /// <summary>
    /// Maps <see cref="KnownPartner"/> to the service's <c>partners</c> table; its columns get their snake_case names (which
    /// the consumer's SQL uses) from the naming convention of <c>UsePartnerMeshNpgsql</c>.
    /// </summary>
    public static ModelBuilder AddPartnerDirectory(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<KnownPartner>(builder =>
        {
            builder.ToTable(TableName);
            builder.HasKey(partner => partner.Id).HasName("PK_partners");
            builder.Property(partner => partner.Id).ValueGeneratedNever();
            // Name and Kind stay unbounded text: a copy must accept whatever attribution accepted.
        });
        return modelBuilder;
    }

    /// <summary>
    /// Maps <see cref="PartnerStanding"/> to the service's <c>partner_standings</c> table (snake_case columns by the naming
    /// convention, which <see cref="PartnerStatusConsumer{TDbContext}"/>'s SQL uses), for a service that refuses inactive partners.
    /// </summary>
    public static ModelBuilder AddPartnerStandings(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PartnerStanding>(builder =>
        {
            builder.ToTable(StandingsTableName);
            builder.HasKey(standing => standing.PartnerId);
            builder.Property(standing => standing.PartnerId).ValueGeneratedNever();
        });
        return modelBuilder;
    }
}
