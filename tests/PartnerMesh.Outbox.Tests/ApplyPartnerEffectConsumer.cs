using MassTransit;
using PartnerMesh.Contracts.Attribution;

namespace PartnerMesh.Outbox.Tests;

/// <summary>A consumer written the way services write them: effects inside the inbox transaction.</summary>
public sealed class ApplyPartnerEffectConsumer(OutboxTestDbContext db) : IConsumer<PartnerRegistered>
{
    public Task Consume(ConsumeContext<PartnerRegistered> context) =>
        db.ExecuteOnceAsync(context, nameof(ApplyPartnerEffectConsumer), _ =>
        {
            db.AppliedEffects.Add(new AppliedEffect { Id = Guid.NewGuid(), PartnerId = context.Message.PartnerId });
            return Task.CompletedTask;
        });
}
