using Microsoft.EntityFrameworkCore;

namespace PartnerMesh.Outbox.Tests;

/// <summary>A minimal service-like DbContext: one business table plus the outbox and inbox.</summary>
public sealed class OutboxTestDbContext(DbContextOptions<OutboxTestDbContext> options) : DbContext(options)
{
    public DbSet<Widget> Widgets => Set<Widget>();

    public DbSet<AppliedEffect> AppliedEffects => Set<AppliedEffect>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Widget>(widget =>
        {
            widget.HasKey(w => w.Id);
            widget.HasIndex(w => w.Name).IsUnique();
        });
        modelBuilder.Entity<AppliedEffect>(effect =>
        {
            effect.HasKey(e => e.Id);
        });
        modelBuilder.AddOutboxAndInbox();
    }
}

public sealed class Widget
{
    public Guid Id { get; init; }

    public required string Name { get; init; }
}

public sealed class AppliedEffect
{
    public Guid Id { get; init; }

    public Guid PartnerId { get; init; }
}
