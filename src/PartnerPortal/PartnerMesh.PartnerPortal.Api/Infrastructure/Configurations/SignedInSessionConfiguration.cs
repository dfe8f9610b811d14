using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Portal;

namespace PartnerMesh.PartnerPortal.Api.Infrastructure.Configurations;

public sealed class SignedInSessionConfiguration : IEntityTypeConfiguration<SignedInSession>
{
    public void Configure(EntityTypeBuilder<SignedInSession> builder)
    {
        builder.ToTable("portal_sessions");
        builder.HasKey(session => session.Id);
        builder.Property(session => session.Id).ValueGeneratedNever();
        builder.HasOne<PortalAccount>().WithMany().HasForeignKey(session => session.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(session => session.ExpiresAt);
    }
}
