namespace PartnerMesh.Testing;

public static class TestPorts
{
    /// <summary>
    /// Port 1 on loopback: nothing listens, connects are refused at once. Unlike a port bound and released again, no
    /// parallel process can take it in the meantime.
    /// </summary>
    public const int Closed = 1;
}
