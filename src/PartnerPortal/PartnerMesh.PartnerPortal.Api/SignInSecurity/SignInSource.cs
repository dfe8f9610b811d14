using System.Net;
using System.Net.Sockets;

namespace PartnerMesh.PartnerPortal.Api.SignInSecurity;

/// <summary>
/// Where a sign-in comes from: the client address the gateway put in <c>X-Forwarded-For</c>, which
/// <c>UseWebApiDefaults</c> believes only from the gateway (a loopback peer or a configured trusted proxy network) and
/// has already made the connection's remote address. IPv6 addresses count per /64: one subscriber gets a whole /64.
/// </summary>
public static class SignInSource
{
    public const string Unknown = "unknown";

    public static string Of(HttpContext httpContext) => Of(httpContext.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
