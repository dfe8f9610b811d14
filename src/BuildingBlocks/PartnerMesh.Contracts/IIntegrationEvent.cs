namespace PartnerMesh.Contracts;

/// <summary>
/// An integration event: a business fact one service publishes for others. Carries ids plus the facts consumers need,
/// so nobody has to call back. Wire names come from <c>[MessageUrn]</c> and end in a version (<c>:v1</c>):
/// within a version only optional properties may be added; anything else is a new type with the next version.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>Unique id of this occurrence; the outbox row id and the broker message id are the same value.</summary>
    Guid EventId { get; }

    DateTimeOffset OccurredAt { get; }
}
