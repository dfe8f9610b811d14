using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Programs;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class ProgramConfiguration :
    IEntityTypeConfiguration<PartnerProgram>, IEntityTypeConfiguration<PlanVersion>, IEntityTypeConfiguration<Agreement>,
    IEntityTypeConfiguration<AgreementAcceptance>
{
    public const string UniqueAgreementVersionIndex = "ux_agreements_program_id_version";
    public const string UniqueIdempotencyKeyIndex = "ux_programs_idempotency_key";
    public const string UniqueAgreementIdempotencyKeyIndex = "ux_agreements_idempotency_key";

    public void Configure(EntityTypeBuilder<PartnerProgram> builder)
    {
        builder.ToTable("programs");
        builder.HasKey(program => program.Id).HasName("PK_programs");
        builder.Property(program => program.Id).ValueGeneratedNever();
        builder.Property(program => program.Name).HasMaxLength(200);
        builder.Property(program => program.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(program => program.AttributionModel).HasMaxLength(20);
        builder.Property(program => program.FallbackUrl).HasMaxLength(2048);
        builder.Property(program => program.Budget).HasPrecision(18, Money.StorageScale);
        builder.Property(program => program.PartnerBudget).HasPrecision(18, Money.StorageScale);
        builder.Property(program => program.Plan).AsJsonb();
        builder.Property(program => program.IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(program => program.IdempotencyFingerprint).HasMaxLength(IdempotencyKeys.FingerprintLength);
        builder.HasIndex(program => program.IdempotencyKey).IsUnique().HasDatabaseName(UniqueIdempotencyKeyIndex);
    }

    public void Configure(EntityTypeBuilder<PlanVersion> builder)
    {
        builder.ToTable("plan_versions");
        builder.HasKey(version => new { version.ProgramId, version.Version }).HasName("PK_plan_versions");
        builder.Property(version => version.Plan).AsJsonb();
        builder.HasOne<PartnerProgram>().WithMany().HasForeignKey(version => version.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Agreement> builder)
    {
        builder.ToTable("agreements");
        builder.HasKey(agreement => agreement.Id).HasName("PK_agreements");
        builder.Property(agreement => agreement.Id).ValueGeneratedNever();
        builder.Property(agreement => agreement.Title).HasMaxLength(200);
        builder.Property(agreement => agreement.Body).HasMaxLength(20_000);
        builder.HasIndex(agreement => new { agreement.ProgramId, agreement.Version }).IsUnique().HasDatabaseName(UniqueAgreementVersionIndex);
        builder.Property(agreement => agreement.IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(agreement => agreement.IdempotencyFingerprint).HasMaxLength(IdempotencyKeys.FingerprintLength);
        builder.HasIndex(agreement => agreement.IdempotencyKey).IsUnique().HasDatabaseName(UniqueAgreementIdempotencyKeyIndex);
        builder.HasOne<PartnerProgram>().WithMany().HasForeignKey(agreement => agreement.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<AgreementAcceptance> builder)
    {
        builder.ToTable("agreement_acceptances");
        builder.HasKey(acceptance => new { acceptance.AgreementId, acceptance.PartnerId }).HasName("PK_agreement_acceptances");
        builder.HasOne<Agreement>().WithMany().HasForeignKey(acceptance => acceptance.AgreementId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Partner>().WithMany().HasForeignKey(acceptance => acceptance.PartnerId).OnDelete(DeleteBehavior.Cascade);
    }
}
