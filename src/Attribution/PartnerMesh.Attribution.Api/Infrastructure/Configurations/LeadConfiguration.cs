using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Leads;
using PartnerMesh.ServiceDefaults.Orders;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class LeadConfiguration : IEntityTypeConfiguration<Lead>
{
    public const string UniqueLeadIdIndex = "ux_leads_lead_id";

    public void Configure(EntityTypeBuilder<Lead> builder)
    {
        builder.HasKey(lead => lead.Id).HasName("PK_leads");
        builder.Property(lead => lead.Id).ValueGeneratedNever();
        builder.Property(lead => lead.LeadId).HasMaxLength(OrderIds.MaxLength);
        builder.Property(lead => lead.Kind).HasMaxLength(LeadRules.MaxKindLength);
        builder.Property(lead => lead.Reason).HasMaxLength(32);
        builder.Property(lead => lead.CommissionAmount).HasPrecision(18, Money.StorageScale);
        builder.Property(lead => lead.CommissionCurrency).HasMaxLength(3).IsFixedLength();
        builder.Property(lead => lead.CommissionNote).HasMaxLength(64);
        builder.Property(lead => lead.CustomerId).HasMaxLength(ConversionRules.MaxCustomerIdLength);
        builder.Property(lead => lead.CustomerEmail).HasMaxLength(254);
        builder.Property(lead => lead.VisitorId).HasMaxLength(ClickDetails.MaxVisitorIdLength);
        builder.HasIndex(lead => lead.LeadId).IsUnique().HasDatabaseName(UniqueLeadIdIndex);
        builder.HasIndex(lead => new { lead.PartnerId, lead.CreatedAt });
        builder.HasOne<Click>().WithMany().HasForeignKey(lead => lead.ClickId).OnDelete(DeleteBehavior.Restrict);
    }
}
