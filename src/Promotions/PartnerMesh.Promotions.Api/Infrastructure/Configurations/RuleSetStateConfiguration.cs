using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Promotions.Api.RuleSets;

namespace PartnerMesh.Promotions.Api.Infrastructure.Configurations;

public sealed class RuleSetStateConfiguration : IEntityTypeConfiguration<RuleSetState>
{
    public void Configure(EntityTypeBuilder<RuleSetState> builder)
    {
        builder.ToTable("rule_set_state");
        builder.HasKey(state => state.Id);
        builder.Property(state => state.Id).ValueGeneratedNever();
        builder.Property(state => state.StackingMode).HasConversion<string>().HasMaxLength(16);
        builder.Property(state => state.UpdatedBy).HasMaxLength(200);
        builder.HasData(new RuleSetState { Id = RuleSetState.SingletonId, Version = 1, UpdatedAt = DateTimeOffset.UnixEpoch });
    }
}

public sealed class SettingsChangeConfiguration : IEntityTypeConfiguration<SettingsChange>
{
    public void Configure(EntityTypeBuilder<SettingsChange> builder)
    {
        builder.ToTable("settings_changes");
        builder.HasKey(change => change.Id);
        builder.Property(change => change.Id).ValueGeneratedNever();
        builder.Property(change => change.ChangedBy).HasMaxLength(200);
        builder.Property(change => change.Reason).HasMaxLength(500);
        builder.Property(change => change.Changes).HasColumnType("jsonb");
    }
}
