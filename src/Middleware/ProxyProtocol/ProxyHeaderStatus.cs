namespace EdgeProxy.Middleware.ProxyProtocol;

/// <summary>What <see cref="ProxyHeaderParser.Parse"/> made of the bytes received so far.</summary>
public enum ProxyHeaderStatus
{
    /// <summary>A whole, valid header: <see cref="ProxyHeader.Length"/> bytes of the input are its own.</summary>
    Complete,

    /// <summary>What arrived is the start of a header (or of its signature): read more and parse again.</summary>
    Incomplete,

    /// <summary>The bytes do not start with either version's signature (TLS, plain HTTP, anything else).</summary>
    Missing,

    /// <summary>A signature, then something the protocol does not allow.</summary>
    Malformed,

    /// <summary>A v1 line longer than 107 bytes, or a v2 length beyond <see cref="ProxyHeaderParser.MaxV2PayloadLength"/>.</summary>
    Oversized,
}
