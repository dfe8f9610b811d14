using Microsoft.EntityFrameworkCore;

namespace PartnerMesh.PartnerDirectory;

public static class PartnerDirectoryModelBuilderExtensions
{
    public const string TableName = "partners";

    /// <summary>Maps <see cref="KnownPartner"/> to the service's <c>partners</c> table.</summary>
    public static ModelBuilder AddPartnerDirectory(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<KnownPartner>(builder =>
        {
            builder.ToTable(TableName);
            builder.HasKey(partner => partner.Id);
            builder.Property(partner => partner.Id).HasColumnName("id").ValueGeneratedNever();
            // Unbounded text: a copy must accept whatever attribution accepted.
            builder.Property(partner => partner.Name).HasColumnName("name");
            builder.Property(partner => partner.Kind).HasColumnName("kind");
            builder.Property(partner => partner.RegisteredAt).HasColumnName("registered_at");
        });
        return modelBuilder;
    }
}
