using Microsoft.AspNetCore.Http;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>A read-only view of a request body that fails with 413 once more than the limit has been read.</summary>
internal sealed class LengthLimitedStream(Stream inner, long limit) : InspectedRequestStream(inner)
{
    private long _read;

    protected override void Inspect(ReadOnlySpan<byte> bytes)
    {
        _read += bytes.Length;
        if (_read > limit)
        {
            throw new BadHttpRequestException(WebApiOptions.TooLargeDetail(limit), StatusCodes.Status413PayloadTooLarge);
        }
    }
}
