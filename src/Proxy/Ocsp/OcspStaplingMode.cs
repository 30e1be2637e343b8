namespace EdgeProxy.Ocsp;

/// <summary><c>EdgeProxy:Tls:OcspStapling</c>: <c>true</c>, <c>false</c> or <c>Required</c>.</summary>
internal enum OcspStaplingMode
{
    /// <summary>No OCSP work at all.</summary>
    False,

    /// <summary>Best effort (default): staple when a good response can be had; report honestly when not.</summary>
    True,

    /// <summary>As <see cref="True"/>, and readiness fails while a certificate that names a responder lacks a good staple.</summary>
    Required,
}
