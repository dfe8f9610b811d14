using Microsoft.EntityFrameworkCore;

namespace PartnerMesh.PartnerDirectory;

public static class PartnerDirectoryModelBuilderExtensions
{
    public const string TableName = "partners";

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
}
